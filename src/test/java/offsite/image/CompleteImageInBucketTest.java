package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Audit finding 6: which manifest in the bucket may be the base of this host's next diff. */
class CompleteImageInBucketTest {

    static final String KEY = "images/20261202T053109214Z/manifest.json";

    record Case(String what, ImageManifest found, String problem) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static ImageManifest manifest(String type, String host) {
        return new ImageManifest("20261202T053109214Z", "2026-12-02T05:31:09Z", type, "diff".equals(type) ? "20261201T000000000Z" : null,
                "ab", host, List.of(), null, null);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("this host's complete image", manifest("full", "host-a"), null),
                new Case("a complete image from before hosts were named", manifest("full", null), null),
                new Case("no manifest (deleted by hand or a lifecycle rule)", null,
                        KEY + " is not in the bucket (deleted by hand or by a lifecycle rule?)"),
                new Case("another host's backup under the id", manifest("full", "host-b"),
                        KEY + " is host host-b's backup, not host-a's (two hosts wrote one backup id?)"),
                new Case("a diff under the id", manifest("diff", "host-a"), KEY + " is a diff, not a complete image"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_diff_is_made_only_against_a_complete_image_of_this_host_still_in_the_bucket(Case c) {
        assertThat(CompleteImageInBucket.problem(KEY, c.found(), "host-a")).isEqualTo(c.problem());
    }
}
