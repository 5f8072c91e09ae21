package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged app killed with SIGKILL in the middle of an upload, then run again: it resumes and finishes. */
class KilledMidUploadIT {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    /** Parts the child process got a 200 for, from its activity log. */
    private static long partsSent(OffsiteHarness app) {
        try {
            return new offsite.activity.ActivityLog(app.data.resolve("activity"), 1 << 20).readAll().stream()
                    .filter(a -> a.operation().equals("UploadPart") && a.outcome().equals("200")).count();
        } catch (RuntimeException e) {
            return 0; // a line being written
        }
    }

    @Test
    void a_process_killed_mid_upload_leaves_nothing_visible_and_the_next_run_resumes() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("big.rdb", 24 * MB, 11);
            app.set("offsite.sync.bandwidth", "4MB").set("offsite.sync.streams", "1").set("offsite.sync.part-streams", "1");
            Path config = dir.resolve("killed.properties");
            Process sync = new ProcessBuilder("java", "-jar", Path.of("target/offsite.jar").toAbsolutePath().toString(), "--config",
                    app.writeConfig(config).toString(), "sync").redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partsSent(app) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            sync.destroyForcibly(); // SIGKILL
            assertThat(sync.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(app.bucketFiles("sets/")).as("nothing visible after the kill").isEmpty();
            assertThat(app.pendingUploads()).isEqualTo(1);

            SyncReport again = app.set("offsite.sync.bandwidth", "").sync();

            assertThat(again.status()).as(again.headline()).isEqualTo(RunStatus.OK);
            assertThat(again.bytesResumed()).isGreaterThanOrEqualTo(10L * MB);
            assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
            assertThat(app.pendingUploads()).isZero();
            assertThat(Files.readString(dir.resolve("killed.log"))).doesNotContain(app.s3.secretKey());
        }
    }
}
