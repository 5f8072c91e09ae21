package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged `run` process stopped with SIGSTOP (what a host's sleep, a paused container or a frozen VM do to it)
 * across its window's opening and woken after the window closed. Quartz fires a window it missed as soon as the
 * process runs again; that pass used to get a whole max-duration from the moment it woke, into the day's traffic.
 */
class SuspendedProcessIT {

    private static final long WINDOW_SECONDS = 3;
    private static final long EVERY_SECONDS = 15;

    @TempDir
    Path dir;

    @Test
    void a_window_that_closed_while_the_process_was_suspended_is_reported_and_not_run() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Members/AA000001.rdb", 64 * 1024, 1);
            app.set("offsite.sync.scheduled", "true").set("offsite.sync.cron", "0/" + EVERY_SECONDS + " * * * * ?")
                    .set("offsite.sync.start-delay-max", "0s").set("offsite.sync.max-duration", WINDOW_SECONDS + "s")
                    .set("offsite.sync.grace", "1s");
            Path log = dir.resolve("run.log");
            Process run = new ProcessBuilder(Path.of("bin/offsite").toAbsolutePath().toString(), "--config",
                    app.writeConfig(dir.resolve("run.properties")).toString(), "run")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                ReportStore reports = new ReportStore(app.data.resolve("reports"));
                SyncReport first = next(reports, null, 120, log);
                assertThat(first.status()).as(first.text()).isEqualTo(RunStatus.OK);
                assertThat(first.skipped()).isFalse();

                // stopped at least 5 s before a firing, woken 3 s after that firing's window closed
                long now = Instant.now().getEpochSecond();
                long firing = (now / EVERY_SECONDS + 1) * EVERY_SECONDS;
                if (firing - now < 5) {
                    firing += EVERY_SECONDS;
                }
                signal("STOP", run);
                Thread.sleep((firing + WINDOW_SECONDS + 3) * 1000 - System.currentTimeMillis());
                signal("CONT", run);

                SyncReport woken = next(reports, first.started(), 30, log);
                assertThat(woken.status()).as(woken.text()).isEqualTo(RunStatus.WARN);
                assertThat(woken.reason()).as(woken.text()).startsWith("skipped: the window of ").contains("before its pass could begin")
                        .contains("until").contains("nothing sent");
                assertThat(woken.uploaded().files()).isZero();
                assertThat(woken.skipped()).as("no mirror, no success for the heartbeat").isTrue();
                assertThat(woken.started().getEpochSecond()).as("Quartz fired the missed window on waking").isGreaterThanOrEqualTo(firing
                        + WINDOW_SECONDS);

                // the next window, on time, is an ordinary pass
                SyncReport after = next(reports, woken.started(), 40, log);
                assertThat(after.status()).as(after.text()).isEqualTo(RunStatus.OK);
                assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
                assertThat(Files.readString(log)).contains("WARN: skipped: the window of").doesNotContain("Exception")
                        .doesNotContain(app.s3.secretKey());
            } finally {
                run.destroy();
                run.waitFor(20, TimeUnit.SECONDS);
                run.destroyForcibly();
            }
        }
    }

    private static void signal(String name, Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    /** The first saved sync report begun after the given one (any, when null), waiting up to seconds for it. */
    private static SyncReport next(ReportStore reports, Instant after, long seconds, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            SyncReport latest = reports.sync().report();
            if (latest != null && (after == null || latest.started().isAfter(after))) {
                return latest;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no new sync report within " + seconds + " s; the process said:\n" + Files.readString(log));
    }
}
