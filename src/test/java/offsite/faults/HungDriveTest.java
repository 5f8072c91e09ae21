package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import offsite.report.OfflineReport;
import offsite.report.RunStatus;
import offsite.testing.HangingMount;
import offsite.testing.HttpReceiver;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monthly offline copy to a drive that stops answering: a real FUSE mount (bindfs) whose daemon is stopped with
 * SIGSTOP, so that every call on the drive waits, as on a USB drive whose controller hung. The copy cannot be stopped,
 * but it is told: once, by mail and webhook, and on the status page while it lasts, naming what it was doing; when the
 * drive answers again the copy goes on and reports as ever. A command started while the drive hangs starts all the same.
 * Skipped where FUSE or bindfs is missing (.ci/run installs bindfs).
 */
class HungDriveTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    HttpReceiver receiver;
    LogLines log;
    Main running;
    HangingMount drive;
    Path usb;

    @BeforeEach
    void start() throws Exception {
        drive = HangingMount.of(dir.resolve("drive"), dir.resolve("media/usb"), dir.resolve("bindfs.log"));
        usb = drive.point();
        log = new LogLines();
        receiver = new HttpReceiver();
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 1_000_000, 1);
        app.write("Members/AA000002.rdb", 1_000_000, 2);
        app.set("offsite.offline.destination", usb.toString())
                .set("offsite.stalled-after", "2s")
                .set("offsite.notify.webhook.url", receiver.url("/hook"))
                .set("offsite.notify.when", "problems");
    }

    @AfterEach
    void stop() throws Exception {
        if (drive != null) {
            drive.answer(); // a stopped daemon would hold the copy
        }
        if (running != null) {
            running.stop();
        }
        if (app != null) {
            app.close();
            receiver.close();
            log.close();
        }
        if (drive != null) {
            drive.close();
        }
    }

    @Test
    void a_copy_held_by_a_drive_that_stopped_answering_is_a_warning_once_and_reports_when_the_drive_answers_again() throws Exception {
        running = app.startRunning();
        drive.hang();
        ExecutorService copier = Executors.newSingleThreadExecutor();
        try {
            Future<OfflineReport> copy = copier.submit(() -> running.getCamelContext().createProducerTemplate()
                    .requestBody("direct:offline", null, OfflineReport.class));

            await(() -> !hooks().isEmpty(), "a webhook POST of the stalled copy");
            Thread.sleep(3_000); // more looks at the copy, still held
            List<JsonNode> stalled = hooks();
            assertThat(copy.isDone()).as("the copy waits for the drive").isFalse();
            assertThat(stalled).as("said once per copy").hasSize(1);
            assertThat(stalled.get(0).get("pipeline").asText()).isEqualTo("offline");
            assertThat(stalled.get(0).get("status").asText()).isEqualTo("WARN");
            assertThat(stalled.get(0).get("headline").asText()).startsWith("WARN: the offline copy to " + usb + " under way since ")
                    .contains(" has made no progress for ").endsWith("(offsite.stalled-after 2s), while looking at the drive and the set");
            assertThat(stalled.get(0).get("text").asText()).contains("may have stopped answering");
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN the offline copy to " + usb + " under way since ")).hasSize(1);
            JsonNode offline = new ObjectMapper().readTree(app.get("/api/status", null).body()).get("offline");
            assertThat(offline.get("state").asText()).isEqualTo("RUNNING");
            assertThat(offline.get("underWay").asText()).startsWith("since ").contains(": looking at the drive and the set; no progress for ")
                    .endsWith(": the drive may have stopped answering");
            assertThat(offline.get("stalled").asBoolean()).isTrue();
            assertThat(app.get("/", null).body()).contains("<p class=\"stalled\" id=\"offline-under-way\">copying since ");

            drive.answer();
            OfflineReport report = copy.get(60, TimeUnit.SECONDS);

            assertThat(report.status()).as(report.reason()).isEqualTo(RunStatus.OK);
            assertThat(report.files()).isEqualTo(2);
            assertThat(hooks()).as("an OK copy is not a problem: no second POST").hasSize(1);
        } finally {
            copier.shutdownNow();
        }
    }

    @Test
    void the_offline_command_held_by_a_drive_that_stopped_answering_says_so_once_and_ends_ok_when_it_answers_again() throws Exception {
        drive.hang();
        ExecutorService copier = Executors.newSingleThreadExecutor();
        try {
            Future<OffsiteHarness.CommandResult> command = copier.submit(() -> app.command("offline"));

            await(() -> !hooks().isEmpty(), "a webhook POST of the stalled copy");
            assertThat(command.isDone()).as("the command waits for the drive").isFalse();
            assertThat(hooks().get(0).get("headline").asText()).startsWith("WARN: the offline copy to " + usb + " under way since ")
                    .contains("(offsite.stalled-after 2s), while looking at the drive and the set");
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN the offline copy to " + usb + " under way since ")).hasSize(1);
            assertThat(log.lines()).as("the start looked at the drive aside, and went on").contains("WARN offsite.offline.destination: "
                    + usb + " did not answer within 5 s (a drive that hung?): not looked at now; each copy looks again, and one held"
                    + " longer than offsite.stalled-after is said");

            drive.answer();
            OffsiteHarness.CommandResult done = command.get(60, TimeUnit.SECONDS);

            assertThat(done.exit()).as(done.out()).isZero();
            assertThat(done.out()).startsWith("OK: snapshot ");
            assertThat(hooks()).hasSize(1);
        } finally {
            copier.shutdownNow();
        }
    }

    private List<JsonNode> hooks() {
        return receiver.json("/hook");
    }

    /** Waits (a minute at most) for a condition; fails naming it if it never comes. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
