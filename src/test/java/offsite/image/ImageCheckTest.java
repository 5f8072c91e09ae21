package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageCheckTest {

    static final ImageManifest FULL = manifest("20261201T000000Z", "full", null,
            new ImageManifest.StoredObject("images/20261201T000000Z/full.tar.zst", "full", "zstd", 1000, "aa", 4000L),
            new ImageManifest.StoredObject("images/20261201T000000Z/secret.tar.gpg", "secret", "none", 300, "bb", null));
    static final ImageManifest DIFF = manifest("20261201T010000Z", "diff", "20261201T000000Z",
            new ImageManifest.StoredObject("images/20261201T010000Z/delta.zst", "delta", "zstd", 50, "cc", 90L));

    static ImageManifest manifest(String id, String type, String base, ImageManifest.StoredObject... objects) {
        String created = id.substring(0, 4) + "-" + id.substring(4, 6) + "-" + id.substring(6, 11) + ":" + id.substring(11, 13) + ":"
                + id.substring(13);
        return new ImageManifest(id, created, type, base, "ff", "web1", List.of(objects), 0, null);
    }

    /** Every object of FULL and DIFF listed at its size. */
    static Map<String, Long> whole() {
        Map<String, Long> sizes = new HashMap<>();
        for (ImageManifest m : List.of(FULL, DIFF)) {
            m.objects().forEach(o -> sizes.put(o.key(), o.size()));
        }
        sizes.put("images/20261201T000000Z/manifest.json", 400L);
        sizes.put("images/20261201T010000Z/manifest.json", 380L);
        return sizes;
    }

    static Stream<Arguments> cases() {
        Consumer<Map<String, Long>> nothing = sizes -> { };
        return Stream.of(
                // name, what is done to the listing, the manifests read, FULL's problems, DIFF's problems
                Arguments.of("every object at its size", nothing, List.of(FULL, DIFF), List.of(), List.of()),
                Arguments.of("the delta gone", (Consumer<Map<String, Long>>) s -> s.remove("images/20261201T010000Z/delta.zst"),
                        List.of(FULL, DIFF), List.of(), List.of("images/20261201T010000Z/delta.zst is not in the bucket")),
                Arguments.of("the complete image cut short: the diff on it goes with it",
                        (Consumer<Map<String, Long>>) s -> s.put("images/20261201T000000Z/full.tar.zst", 999L), List.of(FULL, DIFF),
                        List.of("images/20261201T000000Z/full.tar.zst is 999 bytes, the manifest says 1000"),
                        List.of("its complete image: images/20261201T000000Z/full.tar.zst is 999 bytes, the manifest says 1000")),
                Arguments.of("the secret archive gone", (Consumer<Map<String, Long>>) s -> s.remove("images/20261201T000000Z/secret.tar.gpg"),
                        List.of(FULL, DIFF), List.of("images/20261201T000000Z/secret.tar.gpg is not in the bucket"), List.of()),
                Arguments.of("the complete image's manifest gone (deleted by hand)", nothing, List.of(DIFF), null,
                        List.of("its complete image 20261201T000000Z has no manifest in the bucket")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_backup_is_restorable_when_every_object_it_needs_is_listed_at_its_size(String name, Consumer<Map<String, Long>> change,
            List<ImageManifest> read, List<String> fullProblems, List<String> diffProblems) {
        Map<String, Long> sizes = whole();
        change.accept(sizes);

        List<ImageCheck.Verdict> verdicts = ImageCheck.of(read, read, sizes);

        Map<String, List<String>> problems = new HashMap<>();
        verdicts.forEach(v -> problems.put(v.backup().id(), v.problems()));
        assertThat(problems.get(FULL.id())).isEqualTo(fullProblems);
        assertThat(problems.get(DIFF.id())).isEqualTo(diffProblems);
        assertThat(verdicts).extracting(ImageCheck.Verdict::kind).last().isEqualTo("diff on 20261201T000000Z");
    }
}
