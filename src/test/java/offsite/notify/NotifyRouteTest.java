package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.HttpReceiver;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports that come to you (issue 16, point 5), end to end: the real app and routes, a real SMTP server (GreenMail) and a
 * real HTTP server for the webhook and the heartbeat.
 */
class NotifyRouteTest {

    static final String MAIL_PASSWORD = "mail-pw-S3CRET";
    static final String TOKEN = "tok-9f8e7d6c5b4a-SECRET";
    static final String PING_ID = "0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90";

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("offsite", MAIL_PASSWORD));

    @TempDir
    Path dir;

    OffsiteHarness app;
    HttpReceiver receiver;
    LogLines log;

    @BeforeEach
    void start() throws Exception {
        log = new LogLines();
        receiver = new HttpReceiver();
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 100_000, 1);
        app.set("offsite.notify.mail.host", "127.0.0.1")
                .set("offsite.notify.mail.port", String.valueOf(smtp.getSmtp().getPort()))
                .set("offsite.notify.mail.tls", "none")
                .set("offsite.notify.mail.user", "offsite")
                .set("offsite.notify.mail.password", MAIL_PASSWORD)
                .set("offsite.notify.mail.from", "Offsite <offsite@example.org>")
                .set("offsite.notify.mail.to", "ops@example.org, backup-admin@example.org")
                .set("offsite.notify.webhook.url", receiver.url("/hook"))
                .set("offsite.notify.webhook.headers", "Authorization: Bearer " + TOKEN + "; X-Offsite-Test: yes")
                .set("offsite.notify.heartbeat-url", receiver.url("/ping/" + PING_ID))
                .set("offsite.notify.retry-delay", "100ms");
    }

    @AfterEach
    void stop() {
        app.close();
        receiver.close();
        log.close();
    }

    List<HttpReceiver.Request> to(String path) {
        return receiver.requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** The mails received so far, once there are at least n or 20 s have passed (the running process sends on its own). */
    static MimeMessage[] awaitMails(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (smtp.getReceivedMessages().length < n && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        return smtp.getReceivedMessages();
    }

    static String text(MimeMessage m) throws Exception {
        return m.getContent().toString().replace("\r\n", "\n");
    }

    @Test
    void a_good_pass_mails_its_report_posts_its_json_with_the_headers_and_pings_the_heartbeat() throws Exception {
        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(2); // one message, one copy per recipient
        assertThat(mails[0].getSubject()).startsWith("Offsite mirror on ").endsWith(": " + report.headline());
        assertThat(text(mails[0]).strip()).isEqualTo(report.text().strip());
        assertThat(mails[0].getFrom()[0].toString()).isEqualTo("Offsite <offsite@example.org>");

        List<HttpReceiver.Request> posts = to("/hook");
        assertThat(posts).hasSize(1);
        assertThat(posts.get(0).method()).isEqualTo("POST");
        assertThat(posts.get(0).headers()).containsEntry("authorization", "Bearer " + TOKEN).containsEntry("x-offsite-test", "yes")
                .doesNotContainKey("offsitedryrun");
        JsonNode json = new ObjectMapper().readTree(posts.get(0).body());
        assertThat(json.get("pipeline").asText()).isEqualTo("sync");
        assertThat(json.get("status").asText()).isEqualTo("OK");
        assertThat(json.get("headline").asText()).isEqualTo(report.headline());
        // the report as text, escaped for Slack and Mattermost: its one markup character is the arrow's >
        assertThat(json.get("text").asText()).isEqualTo(report.text().replace(" -> ", " -&gt; "));
        assertThat(json.get("report").get("uploaded").get("files").asLong()).isEqualTo(1);

        assertThat(to("/ping/" + PING_ID)).extracting(HttpReceiver.Request::method).containsExactly("GET");
        assertThat(to("/ping/" + PING_ID + "/fail")).isEmpty();
    }

    @Test
    void a_file_name_reaches_slack_and_mattermost_as_text_never_as_a_mention_or_a_link() throws Exception {
        // a link is left out of the mirror and named in a report note: the name reaches the webhook's text as it is
        String name = "<!channel> <@U123> [click](https:evil.example) @here & me@all.rdb";
        Files.createSymbolicLink(app.source.resolve(name), app.source.resolve("Members"));

        SyncReport report = app.sync();

        assertThat(report.text()).contains(name);
        List<HttpReceiver.Request> posts = to("/hook");
        assertThat(posts).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(posts.get(0).body());
        String text = json.get("text").asText();
        // Slack's escaping (& < > as entities, which Mattermost's Markdown shows as the characters), a zero-width space
        // after each @ (no Mattermost mention) and between ] and ( (no Markdown link)
        assertThat(text).contains("&lt;!channel&gt; &lt;@\u200BU123&gt; [click]\u200B(https:evil.example) @\u200Bhere &amp; me@\u200Ball.rdb")
                .doesNotContain("<", ">", "@here", "@all", "](");
        assertThat(text.replace("\u200B", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
                .as("nothing else changed").isEqualTo(report.text());
        // the fields for programs keep the name as it is
        assertThat(json.get("headline").asText()).isEqualTo(report.headline());
        List<String> notes = new ArrayList<>();
        json.get("report").get("notes").forEach(n -> notes.add(n.asText()));
        assertThat(notes).anyMatch(n -> n.contains(name));
    }

    @Test
    void a_failed_pass_mails_the_failure_and_pings_the_heartbeat_at_fail() throws Exception {
        app.set("offsite.sync.source", dir.resolve("unmounted").toString());

        SyncReport report = app.sync();

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).endsWith(": " + report.headline()).contains("FAILED: ");
        assertThat(new ObjectMapper().readTree(to("/hook").get(0).body()).get("status").asText()).isEqualTo("FAILED");
        assertThat(to("/ping/" + PING_ID + "/fail")).hasSize(1);
        assertThat(to("/ping/" + PING_ID)).isEmpty();
    }

    @Test
    void with_problems_only_a_good_pass_sends_no_report_but_still_pings_and_a_dry_run_sends_nothing() throws Exception {
        app.set("offsite.notify.when", "problems");

        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(to("/hook")).isEmpty();
        assertThat(to("/ping/" + PING_ID)).hasSize(1);

        app.set("offsite.notify.when", "always");
        app.dryRun();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(receiver.requests()).hasSize(1);
    }

    @Test
    void a_receiver_that_fails_the_first_attempts_gets_the_report_on_a_retry() throws Exception {
        receiver.answering(503, 502);
        app.set("offsite.notify.heartbeat-url", ""); // the ping, sent beside the webhook, would take one of these answers

        SyncReport report = app.sync();

        assertThat(report.status()).isEqualTo(RunStatus.OK);
        List<HttpReceiver.Request> posts = to("/hook");
        assertThat(posts).hasSize(3);
        assertThat(posts).extracting(HttpReceiver.Request::body).containsOnly(posts.get(2).body());
        String webhook = "webhook " + receiver.url("/…");
        assertThat(log.lines()).containsSubsequence(
                "WARN " + webhook + " failed: HTTP operation failed invoking " + receiver.url("/…") + " with statusCode: 503",
                "WARN " + webhook + " failed: HTTP operation failed invoking " + receiver.url("/…") + " with statusCode: 502",
                "INFO " + webhook + " sent");
    }

    @Test
    void a_webhook_answering_503_with_retry_after_in_seconds_is_tried_again_after_that_wait_not_the_retry_delay() throws Exception {
        receiver.answering(503, "Retry-After", "1");
        // the doubling alone would wait 10 minutes (Camel cut that to 60 s): far past the wait below
        app.set("offsite.notify.heartbeat-url", "").set("offsite.notify.retry-delay", "10m");

        SyncReport report = CompletableFuture.supplyAsync(app::sync).get(30, TimeUnit.SECONDS);

        assertThat(report.status()).isEqualTo(RunStatus.OK);
        assertThat(to("/hook")).hasSize(2);
        String webhook = "webhook " + receiver.url("/…");
        assertThat(log.lines()).containsSubsequence(
                "WARN " + webhook + " failed: HTTP operation failed invoking " + receiver.url("/…") + " with statusCode: 503",
                "INFO " + webhook + " retried in 1 s, as the receiver asked (Retry-After)",
                "INFO " + webhook + " sent");
    }

    @Test
    void a_heartbeat_answering_429_with_retry_after_as_a_date_is_tried_again_at_that_date() throws Exception {
        String inTwoSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(2));
        receiver.answering(429, "Retry-After", inTwoSeconds);
        app.set("offsite.notify.webhook.url", "").set("offsite.notify.webhook.headers", "").set("offsite.notify.retry-delay", "10m");

        SyncReport report = CompletableFuture.supplyAsync(app::sync).get(30, TimeUnit.SECONDS);

        assertThat(report.status()).isEqualTo(RunStatus.OK);
        assertThat(to("/ping/" + PING_ID)).hasSize(2);
        assertThat(log.lines()).contains("INFO heartbeat ping " + receiver.url("/…") + " sent")
                .anyMatch(l -> l.matches("INFO heartbeat ping .* retried in [0-9]+ m?s, as the receiver asked \\(Retry-After\\)"));
    }

    @Test
    void a_retry_after_longer_than_the_longest_retry_delay_waits_only_that_longest_delay() throws Exception {
        receiver.answering(503, "Retry-After", "3600");
        app.set("offsite.notify.heartbeat-url", "").set("offsite.notify.retries", "1"); // the longest delay: 100 ms

        SyncReport report = CompletableFuture.supplyAsync(app::sync).get(30, TimeUnit.SECONDS);

        assertThat(report.status()).isEqualTo(RunStatus.OK);
        assertThat(to("/hook")).hasSize(2);
        assertThat(log.lines()).contains("INFO webhook " + receiver.url("/…") + " retried in 100 ms: the receiver asked for 3600 s"
                + " (Retry-After), longer than the longest retry delay");
    }

    @Test
    void notifications_that_cannot_be_delivered_never_change_the_pass_and_leak_no_secret() throws Exception {
        receiver.answering(500, 500, 500, 500, 500, 500, 500, 500);
        app.set("offsite.notify.retries", "3").set("offsite.notify.mail.password", "wrong-" + MAIL_PASSWORD);

        OffsiteHarness.CommandResult sync = app.command("sync");

        assertThat(sync.exit()).as(sync.out()).isZero();
        assertThat(sync.out()).startsWith("OK: ");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(to("/hook")).hasSize(4);
        assertThat(to("/ping/" + PING_ID)).hasSize(4);
        String mail = "mail to ops@example.org, backup-admin@example.org";
        String webhook = "webhook " + receiver.url("/…");
        String heartbeat = "heartbeat ping " + receiver.url("/…");
        assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN " + mail + " failed: 535 5.7.8")).hasSize(4);
        assertThat(log.lines()).filteredOn(l -> l.equals("WARN " + webhook + " failed: HTTP operation failed invoking "
                + receiver.url("/…") + " with statusCode: 500")).hasSize(4);
        assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN " + heartbeat + " failed: ")).hasSize(4);
        assertThat(log.lines()).contains("WARN " + mail + " given up after 4 attempts; the run's result stands",
                "WARN " + webhook + " given up after 4 attempts; the run's result stands",
                "WARN " + heartbeat + " given up after 4 attempts; the run's result stands");
        assertThat(log.lines()).noneMatch(l -> l.contains(MAIL_PASSWORD) || l.contains(TOKEN) || l.contains(PING_ID));
    }

    @Test
    void a_mail_server_that_cannot_prove_itself_gets_neither_the_report_nor_the_password() throws Exception {
        // GreenMail here speaks plain SMTP: STARTTLS required must refuse to go on in clear
        app.set("offsite.notify.mail.tls", "starttls").set("offsite.notify.retries", "0");

        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);

        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN mail to ops@example.org, backup-admin@example.org failed: ")
                && l.contains("STARTTLS"));
        assertThat(log.lines()).contains("WARN mail to ops@example.org, backup-admin@example.org given up after 1 attempt; the run's"
                + " result stands");
    }

    @Test
    void an_image_backup_notifies_only_its_problems_and_pings_its_own_heartbeat_not_the_mirrors() throws Exception {
        Path root = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(root.resolve("hostname"), "excalibur\n");
        app.set("offsite.image.roots", root.toString()).set("offsite.notify.image-heartbeat-url", receiver.url("/image-ping/" + PING_ID));

        OffsiteHarness.CommandResult good = app.command("image");

        assertThat(good.exit()).as(good.out()).isZero();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(to("/hook")).isEmpty();
        assertThat(to("/image-ping/" + PING_ID)).hasSize(1);

        app.set("offsite.s3.bucket", "no-such-bucket-" + Long.toHexString(System.nanoTime()));
        OffsiteHarness.CommandResult failed = app.command("image");

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).startsWith("Offsite image backup on ").contains(": FAILED: ");
        assertThat(new ObjectMapper().readTree(to("/hook").get(0).body()).get("pipeline").asText()).isEqualTo("image");
        assertThat(to("/image-ping/" + PING_ID + "/fail")).hasSize(1);
        assertThat(to("/ping/" + PING_ID)).as("the mirror's heartbeat stands for the mirror alone").isEmpty();
        assertThat(to("/ping/" + PING_ID + "/fail")).isEmpty();
    }

    @Test
    void a_window_that_passed_while_the_process_was_down_is_a_warning_in_the_log_and_in_the_mail() throws Exception {
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        Path latest = app.data.resolve("reports/sync-latest.json");
        ObjectMapper mapper = new ObjectMapper();
        var report = (ObjectNode) mapper.readTree(latest.toFile());
        report.put("started", Instant.now().minus(Duration.ofDays(3)).toString());
        mapper.writeValue(latest.toFile(), report);
        app.set("offsite.sync.scheduled", "true").set("offsite.sync.cron", "0 30 23 ? * *");

        var running = app.startRunning();
        try {
            awaitMails(4); // the first pass's report to two recipients, then the missed window's
        } finally {
            running.stop();
        }

        List<MimeMessage> missed = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (m.getSubject().contains(": WARN: ")) {
                missed.add(m);
            }
        }
        assertThat(missed).hasSize(2); // one per recipient
        assertThat(missed.get(0).getSubject()).contains(": WARN: the mirror window of ").endsWith(" passed while Offsite was not running");
        assertThat(text(missed.get(0))).contains("windows without a report: 3 (offsite.sync.cron '0 30 23 ? * *')");
        assertThat(log.lines()).anyMatch(l -> l.startsWith("WARN WARN: the mirror window of ") && l.endsWith("while Offsite was not running"));
        receiver.await(3, 10, TimeUnit.SECONDS);
        assertThat(to("/hook")).hasSize(2); // the first pass's report, then the missed window
        assertThat(new ObjectMapper().readTree(to("/hook").get(1).body()).get("status").asText()).isEqualTo("WARN");
        assertThat(to("/ping/" + PING_ID)).hasSize(1); // the first pass only: a missed window is no run
        assertThat(app.data.resolve("process-alive")).exists();
    }

    @Test
    void the_running_process_shows_no_notification_secret_in_its_metrics_or_health() throws Exception {
        var running = app.startRunning();
        try {
            SyncReport report = running.getCamelContext().createProducerTemplate().requestBody("direct:sync", null, SyncReport.class);
            assertThat(report.status()).isEqualTo(RunStatus.OK);
            assertThat(to("/ping/" + PING_ID)).hasSize(1);

            for (String path : List.of("/observe/metrics", "/observe/health", "/api/status")) {
                var answer = app.get(path, null);
                assertThat(answer.body()).as(path).isNotEmpty().doesNotContain(PING_ID).doesNotContain(TOKEN).doesNotContain(MAIL_PASSWORD);
            }
        } finally {
            running.stop();
        }
    }

    /** A copy of routes/ whose sync.yaml has `anchor` replaced by `edited` (as a user edits), used by the app from now on. */
    private void editedSyncRoute(String anchor, String edited) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("my/routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        String yaml = Files.readString(routes.resolve("sync.yaml"));
        assertThat(yaml).contains(anchor);
        Files.writeString(routes.resolve("sync.yaml"), yaml.replace(anchor, edited));
        app.set("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
    }

    @Test
    void a_step_a_user_adds_at_the_end_of_the_pass_leaves_the_notifications_as_they_were() throws Exception {
        String last = "            logName: offsite.sync\n"; // the report's log line, where README's example adds steps
        editedSyncRoute(last, last + """
                        - setBody:
                            simple: "${body.text()}"
                """);

        OffsiteHarness.CommandResult sync = app.command("sync");

        assertThat(sync.exit()).as(sync.out()).isZero();
        assertThat(smtp.getReceivedMessages()[0].getSubject()).endsWith(": " + sync.out().lines().findFirst().orElseThrow());
        assertThat(to("/ping/" + PING_ID)).hasSize(1);
    }

    @Test
    void a_notify_step_moved_after_one_that_replaced_the_report_sends_nothing_says_so_once_and_costs_no_retries() throws Exception {
        String notify = "        - to: direct:notify\n";
        editedSyncRoute(notify, """
                        - setBody:
                            constant: "the report was here"
                """ + notify);

        OffsiteHarness.CommandResult sync = app.command("sync");

        assertThat(sync.exit()).as(sync.out()).isZero();
        assertThat(sync.out()).startsWith("OK: ");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(receiver.requests()).isEmpty();
        assertThat(log.lines()).containsOnlyOnce("WARN no notification for this run: the body at direct:notify is a java.lang.String, not"
                + " a report (keep `- to: direct:notify` right after the step that makes the report)");
        assertThat(log.lines()).noneMatch(l -> l.contains(" failed: ") || l.contains("given up"));
    }

    /** A command's exit code and what it wrote to standard error. */
    private record Refusal(int exit, String err) {
    }

    private Refusal commandErr(String... args) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Refusal(app.command(args).exit(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void a_bad_notification_setting_stops_the_commands_that_notify_and_no_other() throws Exception {
        app.set("offsite.notify.mail.port", "0");

        Refusal sync = commandErr("sync");
        Refusal verify = commandErr("verify");

        assertThat(sync.exit()).isEqualTo(2);
        assertThat(sync.err()).contains("offsite: offsite.notify.mail.port: '0' is not valid (expected a whole number from 1 to 65535)");
        assertThat(verify.err()).doesNotContain("offsite.notify");
        assertThat(verify.exit()).isNotEqualTo(2);
    }
}
