package offsite.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import offsite.report.OfflineReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.testing.HttpReceiver;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monthly offline copy that did not happen is news: a WARN or ERROR in the log, a report beside the mirror's and the
 * image's, a mail and a webhook POST, and a line on the status page. The real app and routes, a real SMTP server
 * (GreenMail), a real HTTP receiver, real folders and a real tmpfs.
 */
class OfflineReportTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    @TempDir
    Path dir;

    OffsiteHarness app;
    HttpReceiver receiver;
    LogLines log;
    Main running;

    @BeforeEach
    void start() throws Exception {
        log = new LogLines();
        receiver = new HttpReceiver();
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 100_000, 1);
        app.set("offsite.notify.mail.host", "127.0.0.1")
                .set("offsite.notify.mail.port", String.valueOf(smtp.getSmtp().getPort()))
                .set("offsite.notify.mail.tls", "none")
                .set("offsite.notify.mail.from", "offsite@example.org")
                .set("offsite.notify.mail.to", "ops@example.org")
                .set("offsite.notify.webhook.url", receiver.url("/hook"))
                .set("offsite.notify.heartbeat-url", receiver.url("/ping"))
                .set("offsite.notify.when", "problems");
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop();
        }
        app.close();
        receiver.close();
        log.close();
    }

    private OfflineReport offlineCopy() {
        return running.getCamelContext().createProducerTemplate().requestBody("direct:offline", null, OfflineReport.class);
    }

    @Test
    void a_drive_that_is_not_mounted_is_a_warning_a_saved_report_a_mail_a_webhook_and_a_line_on_the_status_page() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("media/usb-backup")); // the mount point, its drive not plugged in
        running = app.set("offsite.offline.destination", usb.toString()).startRunning();

        OfflineReport report = offlineCopy();

        assertThat(report.status()).isEqualTo(RunStatus.WARN);
        assertThat(report.reason()).contains(usb + " is not a mount point");
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN offline copy: WARN: ") && l.contains(usb.toString())
                && l.indexOf(usb.toString()) == l.lastIndexOf(usb.toString())
                && l.contains("is the drive mounted?") && l.contains("offsite.offline.cron"));
        assertThat(log.lines()).noneMatch(l -> l.startsWith("INFO offline copy"));

        OfflineReport saved = new ObjectMapper().findAndRegisterModules()
                .readValue(app.data.resolve("reports/offline-latest.json").toFile(), OfflineReport.class);
        assertThat(saved).isEqualTo(report);
        assertThat(new ReportStore(app.data.resolve("reports")).offline().report()).isEqualTo(report);

        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(mails[0].getSubject()).startsWith("Offsite offline copy on ").endsWith(": " + report.headline());
        assertThat(mails[0].getContent().toString().replace("\r\n", "\n")).contains("destination " + usb).contains("snapshot none kept");
        List<HttpReceiver.Request> posts = receiver.requests().stream().filter(r -> r.path().equals("/hook")).toList();
        assertThat(posts).hasSize(1);
        JsonNode hook = new ObjectMapper().readTree(posts.get(0).body());
        assertThat(hook.get("pipeline").asText()).isEqualTo("offline");
        assertThat(hook.get("status").asText()).isEqualTo("WARN");
        assertThat(hook.at("/report/destination").asText()).isEqualTo(usb.toString());
        assertThat(receiver.requests()).as("the mirror's heartbeat stands for the mirror alone")
                .noneMatch(r -> r.path().startsWith("/ping"));
    }

    @Test
    void a_maintenance_marker_is_a_warning_naming_it_and_its_setting_and_no_copy_is_made() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        Path marker = Files.createFile(dir.resolve("backup-app.lock"));
        running = app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false")
                .set("offsite.sync.maintenance-marker", marker.toString()).startRunning();

        OfflineReport report = offlineCopy();

        assertThat(report.status()).as(report.reason()).isEqualTo(RunStatus.WARN);
        assertThat(report.snapshot()).isNull();
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN offline copy: WARN: the backup application is at work on the set: maintenance marker "
                + marker + " exists (offsite.sync.maintenance-marker)") && l.contains("offsite.offline.cron"));
        try (Stream<Path> left = Files.list(usb)) {
            assertThat(left).isEmpty();
        }
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void a_copy_refused_while_the_backup_application_is_at_work_is_tried_again_until_the_months_snapshot_is_kept_warning_once()
            throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        Path marker = Files.createFile(dir.resolve("backup-app.lock"));
        // the shipped monthly cron, which fired on the 1st of this month (or last month's, before its 03:00)
        running = app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false")
                .set("offsite.sync.maintenance-marker", marker.toString()).set("offsite.offline.cron", "0 0 3 1 * ?")
                .set("offsite.offline.retry-every", "1s").startRunning();

        OfflineReport refused = offlineCopy(); // the schedule's copy of the month

        assertThat(refused.status()).as(refused.reason()).isEqualTo(RunStatus.WARN);
        assertThat(refused.busy()).isTrue();
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN offline copy: WARN: the backup application is at work")
                && l.contains("the schedule tries again every 1s (offsite.offline.retry-every) until one is kept"));
        await(() -> log.lines().stream().filter(l -> l.startsWith("INFO offline copy: tried again, still WARN: the"
                + " backup application is at work")).count() >= 2, "two tries again, refused while the marker is there");
        try (Stream<Path> left = Files.list(usb)) {
            assertThat(left).as("refused tries write nothing").isEmpty();
        }
        Files.delete(marker); // the groom is over

        ReportStore reports = new ReportStore(app.data.resolve("reports"));
        await(() -> reports.offline().report().status() == RunStatus.OK, "a try once the marker is gone keeps the snapshot");

        OfflineReport kept = reports.offline().report();
        try (Stream<Path> left = Files.list(usb)) {
            assertThat(left).extracting(p -> p.toString()).containsExactly(kept.snapshot());
        }
        assertThat(running.getCamelContext().getRegistry().lookupByNameAndType("offlineRetry", OfflineRetry.class).due())
                .as("the period has its snapshot: nothing more until the cron fires again").isFalse();
        assertThat(log.lines().stream().filter(l -> l.startsWith("WARN offline copy"))).as("one WARN for the period").hasSize(1);
        assertThat(smtp.getReceivedMessages()).as("one mail: the refusal; the tries again that were refused too send none")
                .hasSize(1);
        assertThat(receiver.requests().stream().filter(r -> r.path().equals("/hook"))).hasSize(1);
        try (Stream<Path> saved = Files.list(app.data.resolve("reports"))) {
            assertThat(saved.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("offline-2") && n.endsWith(".json")))
                    .as("dated reports: the refusal and the snapshot; the repeated refusals replaced offline-latest.json only").hasSize(2);
        }
    }

    @Test
    void the_status_page_and_the_status_command_show_when_a_copy_refused_for_the_set_in_use_is_tried_again() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        Files.createFile(dir.resolve("backup-app.lock"));
        running = app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false")
                .set("offsite.sync.maintenance-marker", dir.resolve("backup-app.lock").toString())
                .set("offsite.offline.cron", "0 0 3 1 * ?").set("offsite.offline.retry-every", "1h").startRunning();
        JsonNode before = new ObjectMapper().readTree(app.get("/api/status", null).body());
        assertThat(before.at("/offline").has("nextTry")).as("no copy refused yet: no try again").isFalse();

        OfflineReport refused = offlineCopy();

        assertThat(refused.busy()).as(refused.reason()).isTrue();
        String next = refused.finished().plus(Duration.ofHours(1)).toString();
        JsonNode status = new ObjectMapper().readTree(app.get("/api/status", null).body());
        assertThat(status.at("/offline/nextTry").asText()).isEqualTo(next);
        assertThat(status.at("/offline/nextTryWhy").asText()).isEqualTo("the next try is at " + next);
        assertThat(app.get("/", null).body()).contains("<p class=\"muted\" id=\"offline-next-try\">the set was in use: tried again at "
                + next + "</p>");
        assertThat(app.command("status").out()).contains("       next try: " + next + " (the set was in use)");
    }

    /** Waits (a minute at most) for a condition the running app brings about; fails naming it if it never comes. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 600 && !condition.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void a_set_written_within_the_settings_periods_is_a_warning_naming_the_setting_its_value_and_the_files_age() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        // the harness's set was written an hour ago: within a stable-for of two hours, past a quiet period of 30 minutes
        running = app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false")
                .set("offsite.sync.quiet-period", "30m").set("offsite.sync.stable-for", "2h").startRunning();

        OfflineReport report = offlineCopy();

        assertThat(report.status()).as(report.reason()).isEqualTo(RunStatus.WARN);
        assertThat(report.reason()).startsWith("the backup application is at work on the set: source file Members/AA000001.rdb was modified at ")
                .contains(", 60 min ago, within offsite.sync.stable-for (2 h); no copy started");
        try (Stream<Path> left = Files.list(usb)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void a_good_copy_is_reported_ok_and_mailed_when_notify_when_is_always() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        running = app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false")
                .set("offsite.notify.when", "always").startRunning();

        OfflineReport report = offlineCopy();

        assertThat(report.status()).as(report.reason()).isEqualTo(RunStatus.OK);
        assertThat(report.files()).isEqualTo(1);
        assertThat(report.bytes()).isEqualTo(100_000);
        assertThat(report.snapshot()).startsWith(usb.toString());
        assertThat(log.lines()).anyMatch(l -> l.startsWith("INFO offline copy: snapshot "));
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).contains(": OK: snapshot ");
    }

    @Test
    void the_status_page_shows_the_last_offline_copy_and_its_time_only_when_one_is_configured() throws Exception {
        running = app.startRunning();
        JsonNode off = new ObjectMapper().readTree(app.get("/api/status", null).body());
        assertThat(off.has("offline")).as("no offline copy configured: nothing to show").isFalse();
        assertThat(app.get("/", null).body()).doesNotContain("id=\"offline\"");
        running.stop();
        Path usb = Files.createDirectories(dir.resolve("media/usb-backup"));
        running = app.set("offsite.offline.destination", usb.toString()).startRunning();
        JsonNode before = new ObjectMapper().readTree(app.get("/api/status", null).body());
        assertThat(before.at("/offline/state").asText()).isEqualTo("IDLE");
        assertThat(before.at("/offline/headline").asText()).isEqualTo("no copy yet");

        OfflineReport report = offlineCopy();

        JsonNode status = new ObjectMapper().readTree(app.get("/api/status", null).body());
        assertThat(status.at("/offline/state").asText()).isEqualTo("WARN");
        assertThat(status.at("/offline/headline").asText()).isEqualTo(report.headline());
        assertThat(status.at("/offline/lastReport/finished").asText()).isEqualTo(report.finished().toString());
        assertThat(status.at("/offline/destination").asText()).isEqualTo(usb.toString());
        assertThat(status.at("/offline/nextWindow").asText()).isNotEmpty();
        String page = app.get("/", null).body();
        assertThat(page).contains("id=\"offline\"><h2>Offline copy</h2><p class=\"state\" data-state=\"WARN\">");
        assertThat(app.command("status").out()).contains("offline WARN     " + report.headline());
    }

    @Test
    void the_last_copy_and_the_last_snapshot_kept_are_in_the_metrics_and_stay_there_after_a_restart() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        running = app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false").startRunning();

        OfflineReport good = offlineCopy();

        assertThat(good.status()).as(good.reason()).isEqualTo(RunStatus.OK);
        String success = "offsite_last_success_timestamp_seconds{pipeline=\"offline\"} " + (double) good.finished().getEpochSecond();
        assertThat(app.get("/observe/metrics", null).body()).contains(success).contains("offsite_last_status{pipeline=\"offline\"} 0.0")
                .contains("offsite_run_duration_seconds{pipeline=\"offline\"} ");
        running.stop();
        // next month the drive is not plugged in: a restarted process still knows the last snapshot, and then the refusal
        running = app.set("offsite.offline.destination", dir.resolve("not-plugged-in").toString()).startRunning();
        assertThat(app.get("/observe/metrics", null).body()).as("after a restart").contains(success)
                .contains("offsite_last_status{pipeline=\"offline\"} 0.0");

        OfflineReport refused = offlineCopy();

        assertThat(refused.status()).isEqualTo(RunStatus.WARN);
        assertThat(app.get("/observe/metrics", null).body()).contains(success).contains("offsite_last_status{pipeline=\"offline\"} 1.0");
    }

    @Test
    void a_drive_unplugged_mid_copy_is_an_error_in_the_log_and_a_failed_report() throws Exception {
        Path set = Files.createDirectories(dir.resolve("set/Members"));
        Files.write(set.resolve("AA000001.rdb"), new byte[100_000]);
        Path usb = dir.resolve("usb-drive");
        SmallDisk usbDisk = SmallDisk.mount(usb, 8);
        AtomicLong calls = new AtomicLong();
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC);
        OfflineCopy copy = new OfflineCopy(OfflineCopyTest.scanOf(set.getParent()), OfflineCopyTest.NO_MARKERS, Duration.ZERO, usb, true, clock, p -> {
            if (calls.incrementAndGet() == 1) {
                usbDisk.unplug();
            }
            return Long.MAX_VALUE;
        });
        ReportStore reports = new ReportStore(dir.resolve("reports"));

        OfflineReport report = new OfflineRun(copy, reports, "0 0 3 1 * ?", Duration.ofHours(1), Duration.ZERO, clock,
                dir.resolve("offline.lock")).run(null);

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.snapshot()).isNull();
        assertThat(reports.offline().report()).isEqualTo(report);
        assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR offline copy: FAILED: ") && l.contains(usb.toString())
                && l.indexOf(usb.toString()) == l.lastIndexOf(usb.toString())
                && l.contains("plug the drive in and mount it"));
    }

}
