package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import offsite.activity.ActivityLog;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 9: two `sync` processes on the same data directory, or on the same bucket prefix from another
 * data directory, ran side by side and sent every file two or three times. Now the second stands down, naming
 * the first; and after the first is killed (a reboot, an OOM kill) in a container with a new host name, the next
 * pass takes its lease over and resumes.
 */
class TwoProcessesTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    private static long partsSent(Path data) {
        try {
            return new ActivityLog(data.resolve("activity"), 1 << 20).readAll().stream()
                    .filter(a -> a.operation().equals("UploadPart") && a.outcome().equals("200")).count();
        } catch (RuntimeException e) {
            return 0; // a line being written
        }
    }

    @Test
    void issue15_a_second_process_stands_down_and_a_killed_ones_lease_is_taken_over() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("big.rdb", 24 * MB, 1);
            app.set("offsite.sync.bandwidth", "2MB").set("offsite.sync.streams", "1").set("offsite.sync.part-streams", "1");
            Path config = app.writeConfig(dir.resolve("first.properties"));
            ProcessBuilder first = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "offsite.cli.OffsiteCommand", "--config", config.toString(), "sync")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile());
            first.environment().put("HOSTNAME", "old-container");
            Process running = first.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (partsSent(app.data) < 1) {
                    assertThat(System.nanoTime()).as("the first process never sent a part: " + Files.readString(dir.resolve("first.log")))
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }

                OffsiteHarness.CommandResult sameData = app.command("sync");
                assertThat(sameData.exit()).as(sameData.out()).isZero();
                assertThat(sameData.out()).startsWith("WARN: skipped: another Offsite process is running a sync pass on this data directory")
                        .contains("host old-container");

                Path otherData = Files.createDirectories(dir.resolve("other-data"));
                OffsiteHarness.CommandResult otherDir = app.set("offsite.data.dir", otherData.toString()).command("sync");
                assertThat(otherDir.out()).startsWith("WARN: skipped: another pass is mirroring to this prefix: host old-container");
                assertThat(partsSent(otherData)).as("the second sent nothing").isZero();
            } finally {
                running.destroyForcibly(); // SIGKILL: no shutdown hook, the lease stays in the bucket
                running.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(app.bucketFiles("sets/")).isEmpty();

            SyncReport resumed = app.set("offsite.data.dir", app.data.toString()).set("offsite.sync.bandwidth", "").sync();

            assertThat(resumed.status()).as(resumed.text()).isEqualTo(RunStatus.OK);
            assertThat(resumed.bytesResumed()).as("the parts the killed process stored").isPositive();
            assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
            assertThat(List.of(app.client.listObjectsV2(b -> b.bucket(app.s3.bucket())).contents().stream()
                    .map(o -> o.key()).toArray())).as("the lease went with the pass").doesNotContain("sets.lease.json");
        }
    }
}
