package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import offsite.activity.ActivityLog;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged app (bin/offsite, as users run it) at the end of its window and killed mid-upload, with one part
 * stream and with the default four (issue 15, item 5: with parallel parts the window cut held only with one part
 * stream, and a kill 8-14 s into a chunk resumed nothing: all its parts had been in flight at once, none stored).
 */
class KilledMidUploadIT {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    /** Parts the process got a 200 for, from its activity log. */
    private static long partsSent(OffsiteHarness app) {
        try {
            return new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll().stream()
                    .filter(a -> a.operation().equals("UploadPart") && a.outcome().equals("200")).count();
        } catch (RuntimeException e) {
            return 0; // a line being written
        }
    }

    private Process start(OffsiteHarness app, String name) throws Exception {
        Path config = app.writeConfig(dir.resolve(name + ".properties"));
        return new ProcessBuilder(Path.of("bin/offsite").toAbsolutePath().toString(), "--config", config.toString(), "sync")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    @ParameterizedTest(name = "part-streams {0}")
    @ValueSource(ints = {1, 4})
    void a_process_killed_mid_upload_leaves_nothing_visible_and_the_next_run_resumes_the_stored_parts(int partStreams) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("big.rdb", 48 * MB, 11); // ten 5 MiB parts
            app.set("offsite.sync.bandwidth", "8MB").set("offsite.sync.streams", "4").set("offsite.sync.part-streams", String.valueOf(partStreams));
            Process sync = start(app, "killed");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partsSent(app) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            sync.destroyForcibly(); // SIGKILL, as a reboot or an OOM kill
            assertThat(sync.waitFor(20, TimeUnit.SECONDS)).isTrue();
            long stored = partsSent(app);
            assertThat(stored).as(Files.readString(dir.resolve("killed.log"))).isGreaterThanOrEqualTo(2);
            assertThat(app.bucketFiles("sets/")).as("nothing visible after the kill").isEmpty();
            assertThat(app.pendingUploads()).isEqualTo(1);

            SyncReport again = app.set("offsite.sync.bandwidth", "").sync();

            assertThat(again.status()).as(again.text()).isEqualTo(RunStatus.OK);
            assertThat(again.bytesResumed()).as("the parts stored before the kill").isGreaterThanOrEqualTo(stored * 5L * MB);
            assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
            assertThat(app.pendingUploads()).isZero();
            assertThat(Files.readString(dir.resolve("killed.log"))).doesNotContain(app.s3.secretKey());
        }
    }

    @ParameterizedTest(name = "part-streams {0}")
    @ValueSource(ints = {1, 4})
    void a_window_that_closes_mid_chunk_stops_within_grace_and_the_parts_in_flight(int partStreams) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("big.rdb", 48 * MB, 12);
            // 4 MB/s shared by the parts in flight: a 5 MiB part takes 1.25 s alone, 5 s among four; four streams make
            // a part pool of 4 x part-streams threads, as the defaults do (16: more than the chunk's ten parts)
            app.set("offsite.sync.bandwidth", "4MB").set("offsite.sync.streams", "4").set("offsite.sync.part-streams", String.valueOf(partStreams))
                    .set("offsite.sync.max-duration", "3s").set("offsite.sync.grace", "1s");
            Process sync = start(app, "cut");
            assertThat(sync.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = Files.readString(dir.resolve("cut.log"));

            assertThat(sync.exitValue()).as(out).isZero();
            assertThat(out).contains("WARN: 1 file(s) left for the next window");
            // only parts that started before the window and its grace ended (4 s: at most 16 MB at the cap, and
            // part-streams in flight at the end) are sent; the rest of the chunk's ten parts is not
            long stored = partsSent(app);
            assertThat(stored).as(out).isBetween(1L, partStreams + 4L).isLessThan(10);
            assertThat(app.bucketFiles("sets/")).as("a cut upload is never visible").isEmpty();

            SyncReport next = app.set("offsite.sync.bandwidth", "").set("offsite.sync.max-duration", "330m").sync();
            assertThat(next.status()).as(next.text()).isEqualTo(RunStatus.OK);
            assertThat(next.bytesResumed()).isEqualTo(stored * 5L * MB);
            assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
        }
    }
}
