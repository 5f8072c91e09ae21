package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RehashShareTest {

    /** Files a..e of 100 bytes (f of 400), hashed on days 5, 1, 4, 2, 3 (f never: not cached); the share and what it picks. */
    record Case(String name, double percent, Set<String> expected) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("0 percent: a night without changes hashes nothing", 0, Set.of()),
                new Case("a share smaller than one file still reads the oldest one", 1, Set.of("b")),
                new Case("12 percent of 900 bytes: the two hashed longest ago", 12, Set.of("b", "d")),
                new Case("a third: oldest first, up to the share of the bytes", 33.4, Set.of("b", "d", "e", "c")),
                new Case("100 percent: every cached file; an uncached one is hashed anyway, not chosen", 100, Set.of("a", "b", "c", "d", "e")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void re_hashes_the_share_of_the_bytes_hashed_longest_ago(Case c) {
        Map<String, Integer> day = Map.of("a", 5, "b", 1, "c", 4, "d", 2, "e", 3);
        List<LocalFile> files = Stream.of("a", "b", "c", "d", "e", "f")
                .map(n -> new LocalFile(n, Path.of("/set", n), n.equals("f") ? 400 : 100, Instant.EPOCH)).toList();

        Set<String> chosen = RehashShare.choose(files, f -> day.containsKey(f.relativePath())
                ? Instant.parse("2026-11-0" + day.get(f.relativePath()) + "T00:00:00Z") : null, c.percent());

        assertThat(chosen).containsExactlyInAnyOrderElementsOf(c.expected());
    }
}
