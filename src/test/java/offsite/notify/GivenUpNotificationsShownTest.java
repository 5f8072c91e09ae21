package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Path;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.HttpReceiver;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A notification given up after its retries is seen beyond the log: on the status page, in /api/status, in `status` and in
 * the metrics, with a reason that holds no URL path or secret. Real servers: a port that refuses (the mail server is
 * down), a real HTTP receiver for the webhook and the heartbeat.
 */
class GivenUpNotificationsShownTest {

    static final String TOKEN = "tok-9f8e7d6c5b4a-SECRET";
    static final String PING_ID = "0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90";
    static final String MAIL_PASSWORD = "mail-pw-S3CRET";
    static final ObjectMapper JSON = new ObjectMapper();

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
        int refusing;
        try (ServerSocket closed = new ServerSocket(0)) { // bound then closed: a connection to it is refused
            refusing = closed.getLocalPort();
        }
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 100_000, 1);
        app.set("offsite.notify.mail.host", "127.0.0.1")
                .set("offsite.notify.mail.port", String.valueOf(refusing))
                .set("offsite.notify.mail.tls", "none")
                .set("offsite.notify.mail.user", "offsite")
                .set("offsite.notify.mail.password", MAIL_PASSWORD)
                .set("offsite.notify.mail.from", "offsite@example.org")
                .set("offsite.notify.mail.to", "ops@example.org")
                .set("offsite.notify.webhook.url", receiver.url("/hook/" + TOKEN))
                .set("offsite.notify.heartbeat-url", receiver.url("/ping/" + PING_ID))
                .set("offsite.notify.retries", "1")
                .set("offsite.notify.retry-delay", "100ms");
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

    @Test
    void a_mail_a_sync_command_gave_up_is_named_by_the_status_command_api_status_and_the_page() throws Exception {
        OffsiteHarness.CommandResult sync = app.command("sync");
        assertThat(sync.exit()).as(sync.out()).isZero();
        assertThat(log.lines()).contains("WARN mail to ops@example.org given up after 2 attempts; the run's result stands");

        OffsiteHarness.CommandResult status = app.command("status");

        assertThat(status.out()).containsPattern("notify mail +FAILING: given up \\S+ after 2 attempts: mail to ops@example.org: "
                + "Couldn't connect to host.*Connection refused.*; never sent; 1 report kept to send late\n");
        assertThat(status.out()).containsPattern("notify webhook +last sent \\S+\n").containsPattern("notify heartbeat +last sent \\S+\n");

        running = app.startRunning(); // a later process: what the command gave up is read from the data directory
        String api = app.get("/api/status", null).body();
        JsonNode mail = JSON.readTree(api).get("notifications").get(1);
        assertThat(mail.get("channel").asText()).isEqualTo("mail");
        assertThat(mail.get("failing").asBoolean()).isTrue();
        assertThat(mail.at("/lastFailure/attempts").asInt()).isEqualTo(2);
        assertThat(mail.at("/lastFailure/what").asText()).isEqualTo("mail to ops@example.org");
        assertThat(mail.at("/lastFailure/reason").asText()).contains("Connection refused");
        assertThat(mail.get("lastSent").isNull()).isTrue();
        assertThat(mail.get("unsent").asInt()).as("the sync's report, to be sent late once mail works").isEqualTo(1);
        String page = app.get("/", null).body();
        assertThat(page).containsPattern("<li class=\"failing\">mail: FAILING: given up \\S+ after 2 attempts: mail to ops@example.org: "
                + "Couldn't connect to host[^<]*Connection refused[^<]*; never sent; 1 report kept to send late</li>");
        assertThat(api + page + status.out()).doesNotContain(TOKEN).doesNotContain(PING_ID).doesNotContain(MAIL_PASSWORD);
    }

    @Test
    void the_running_process_counts_the_given_up_mail_and_stays_healthy() throws Exception {
        running = app.startRunning();
        SyncReport report = running.getCamelContext().createProducerTemplate().requestBody("direct:sync", null, SyncReport.class);
        assertThat(report.status()).isEqualTo(RunStatus.OK);

        String metrics = app.get("/observe/metrics", null).body();

        assertThat(metrics).contains("offsite_notifications_failed_total{channel=\"mail\"} 1.0")
                .containsPattern("offsite_notification_last_success_timestamp_seconds\\{channel=\"webhook\"\\} [1-9]")
                .containsPattern("offsite_notification_last_success_timestamp_seconds\\{channel=\"heartbeat\"\\} [1-9]")
                .doesNotContain("offsite_notifications_failed_total{channel=\"webhook\"}")
                .doesNotContain("offsite_notification_last_success_timestamp_seconds{channel=\"mail\"}");
        assertThat(app.get("/observe/health", null).statusCode()).as("a dead mail server restarts no container").isEqualTo(200);
    }
}
