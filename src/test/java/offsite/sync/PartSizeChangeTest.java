package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * offsite.sync.part-size or multipart-threshold changed after a mirror: every object's ETag is of other parts, not of
 * other bytes. Each was called CHANGED, so the change guard refused the pass as ransomware and verify named every
 * multipart object different; --accept-changes would have sent the whole set again.
 */
class PartSizeChangeTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    /** The upload shape of the first mirror and the one set after it. */
    record Shapes(String name, String partBefore, String thresholdBefore, String partAfter, String thresholdAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Shapes> changes() {
        return Stream.of(
                new Shapes("part size 5MB -> 6MB", "5MB", "5MB", "6MB", "6MB"),
                new Shapes("one PUT -> parts (threshold lowered)", "5MB", "64MB", "5MB", "5MB"),
                new Shapes("parts -> one PUT (threshold raised)", "5MB", "5MB", "5MB", "64MB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void a_changed_upload_shape_leaves_the_mirror_unchanged_and_sends_nothing(Shapes s) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            for (int i = 0; i < 3; i++) {
                app.write("Members/AA00000" + i + ".rdb", 12 * MB + i, i);
            }
            app.set("offsite.sync.part-size", s.partBefore()).set("offsite.sync.multipart-threshold", s.thresholdBefore());
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Map<String, String> stored = app.bucketFiles("sets/");

            app.set("offsite.sync.part-size", s.partAfter()).set("offsite.sync.multipart-threshold", s.thresholdAfter());
            SyncReport after = app.sync();

            assertThat(after.status()).as(after.text()).isEqualTo(RunStatus.OK);
            assertThat(after.actions().get("unchanged").files()).as(after.text()).isEqualTo(3);
            assertThat(after.bytesSent()).isZero();
            assertThat(app.bucketFiles("trash/")).isEmpty();
            assertThat(app.bucketFiles("sets/")).isEqualTo(stored);
            OffsiteHarness.CommandResult verify = app.command("verify");
            assertThat(verify.exit()).as(verify.out()).isZero();
            assertThat(verify.out()).contains("OK: 0 difference(s) in 3 files");

            SyncReport next = app.sync();
            assertThat(next.actions().get("unchanged").files()).isEqualTo(3);
            assertThat(next.bytesHashed()).as("the ETag as uploaded is remembered: the next night reads nothing").isZero();
        }
    }
}
