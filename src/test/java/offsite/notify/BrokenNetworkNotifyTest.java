package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import offsite.report.SyncReport;
import offsite.testing.HangingServer;
import offsite.testing.HttpReceiver;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import offsite.testing.SelfSignedTls;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Notifications under a broken network, in the long-running process: a mail server or receiver that hangs or fails holds
 * back neither the other notifications nor a shutdown. Real servers: a TCP server that accepts and never answers, a real
 * HTTP receiver.
 */
class BrokenNetworkNotifyTest {

    static final String PING_ID = "0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90";

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
        // a stop that has to be forced is said in a WARN, and costs the tests no more than this
        app.set("camel.main.shutdown-timeout", "3");
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

    /** A mirror pass in the running process, begun in the background: its notifications may take long. */
    private CompletableFuture<SyncReport> passInBackground() throws Exception {
        running = app.startRunning();
        return CompletableFuture.supplyAsync(() -> running.getCamelContext().createProducerTemplate()
                .requestBody("direct:sync", (Object) null, SyncReport.class));
    }

    @Test
    void a_mail_server_that_never_answers_holds_back_neither_the_webhook_nor_the_heartbeat() throws Exception {
        try (HangingServer mailServer = new HangingServer()) {
            app.set("offsite.notify.mail.host", "127.0.0.1")
                    .set("offsite.notify.mail.port", String.valueOf(mailServer.port()))
                    .set("offsite.notify.mail.tls", "none")
                    .set("offsite.notify.mail.from", "offsite@example.org")
                    .set("offsite.notify.mail.to", "ops@example.org")
                    .set("offsite.notify.webhook.url", receiver.url("/hook"))
                    .set("offsite.notify.heartbeat-url", receiver.url("/ping/" + PING_ID))
                    // the mail's attempts and waits take minutes: far longer than the wait below
                    .set("offsite.notify.retries", "2")
                    .set("offsite.notify.retry-delay", "10m");

            CompletableFuture<SyncReport> pass = passInBackground();

            List<HttpReceiver.Request> arrived = receiver.await(2, 60, TimeUnit.SECONDS);
            assertThat(arrived).extracting(HttpReceiver.Request::path).containsExactlyInAnyOrder("/hook", "/ping/" + PING_ID);
            assertThat(mailServer.awaitAccepted(1, 60, TimeUnit.SECONDS)).as("the mail's one connection, held").isEqualTo(1);
            assertThat(pass).isNotDone();
        }
    }

    @Test
    void a_stop_during_a_notifications_retry_delay_ends_without_waiting_it_out() throws Exception {
        receiver.answering(500, 500, 500, 500);
        app.set("offsite.notify.webhook.url", receiver.url("/hook"))
                .set("offsite.notify.retries", "3")
                .set("offsite.notify.retry-delay", "10m");

        CompletableFuture<SyncReport> pass = passInBackground();
        assertThat(receiver.await(1, 60, TimeUnit.SECONDS)).hasSize(1); // the first attempt failed: the retry waits 10 minutes

        running.stop();

        // the pass's report was saved before its notifications; the stop may end the pass's exchange with a rejection
        pass.exceptionally(stopped -> null).get(60, TimeUnit.SECONDS);
        assertThat(receiver.requests()).hasSize(1);
        assertThat(log.lines()).as("the stop was not forced").noneMatch(l -> l.contains("graceful shutdown") || l.contains("inflight"));
    }

    @Test
    void a_stop_during_a_notifications_retry_delay_records_it_given_up_with_the_attempts_made() throws Exception {
        receiver.answering(500, 500, 500, 500);
        app.set("offsite.notify.webhook.url", receiver.url("/hook/" + PING_ID))
                .set("offsite.notify.retries", "3")
                .set("offsite.notify.retry-delay", "10m");

        CompletableFuture<SyncReport> pass = passInBackground();
        assertThat(receiver.await(1, 60, TimeUnit.SECONDS)).hasSize(1); // the first attempt failed: the retry waits 10 minutes
        // its answer read, not cut by the stop (which closes a connection still reading: "during attempt 1")
        for (int i = 0; i < 600 && log.lines().stream().noneMatch(l -> l.contains("statusCode: 500")); i++) {
            Thread.sleep(100);
        }

        running.stop();
        pass.exceptionally(stopped -> null).get(60, TimeUnit.SECONDS);

        // the page, `status` and /api/status of the next process read this: the report was not delivered
        LastDeliveries.Channel webhook = new LastDeliveries(app.data.resolve("notifications.json")).read().get("webhook");
        assertThat(webhook).as("the webhook's outcome is recorded").isNotNull();
        assertThat(webhook.lastSent()).isNull();
        assertThat(webhook.lastFailure().attempts()).isEqualTo(1);
        assertThat(webhook.lastFailure().what()).isEqualTo("webhook " + receiver.url("/…"));
        assertThat(webhook.lastFailure().reason()).startsWith("Offsite stopped before retrying; the last attempt failed: ")
                .contains("statusCode: 500").doesNotContain(PING_ID);
        assertThat(log.lines()).contains("WARN webhook " + receiver.url("/…") + " given up after 1 attempt: Offsite stopped before"
                + " retrying; the run's result stands");
        assertThat(String.join("\n", log.lines())).doesNotContain(PING_ID);
    }

    @Test
    void a_stop_during_a_notifications_first_attempt_says_it_was_given_up_during_that_one_attempt() throws Exception {
        try (HangingServer hook = new HangingServer()) {
            app.set("offsite.notify.webhook.url", "http://127.0.0.1:" + hook.port() + "/hook")
                    .set("offsite.notify.retries", "3")
                    .set("offsite.notify.retry-delay", "10m")
                    .set("camel.component.http.response-timeout", "30000"); // past the stop: only the stop ends the attempt, even on a loaded machine

            CompletableFuture<SyncReport> pass = passInBackground();
            assertThat(hook.awaitAccepted(1, 60, TimeUnit.SECONDS)).as("the first attempt, held").isEqualTo(1);

            running.stop(); // the stop closes the attempt's connection: no retry follows

            pass.exceptionally(stopped -> null).get(60, TimeUnit.SECONDS);
            assertThat(hook.awaitAccepted(2, 1, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(log.lines()).contains("WARN webhook http://127.0.0.1:" + hook.port() + "/… given up after 1 attempt: Offsite stopped"
                    + " during attempt 1; the run's result stands");
        }
    }

    @Test
    void a_stop_ends_a_mail_and_a_webhook_waiting_for_servers_that_never_answer_and_records_them_given_up() throws Exception {
        try (HangingServer mailServer = new HangingServer(); HangingServer hook = new HangingServer()) {
            app.set("offsite.notify.mail.host", "127.0.0.1")
                    .set("offsite.notify.mail.port", String.valueOf(mailServer.port()))
                    .set("offsite.notify.mail.tls", "none")
                    .set("offsite.notify.mail.from", "offsite@example.org")
                    .set("offsite.notify.mail.to", "ops@example.org")
                    .set("offsite.notify.webhook.url", "http://127.0.0.1:" + hook.port() + "/hook/" + PING_ID)
                    .set("offsite.notify.retries", "3")
                    .set("offsite.notify.retry-delay", "10m")
                    // as shipped: a stop waits this long for exchanges in flight, then forces them and says so
                    .set("camel.main.shutdown-timeout", "30")
                    // longer than that: only closing the connections ends the attempts before the forced end
                    .set("camel.component.smtp.connection-timeout", "120000")
                    .set("camel.component.http.response-timeout", "120000");

            CompletableFuture<SyncReport> pass = passInBackground();
            assertThat(mailServer.awaitAccepted(1, 60, TimeUnit.SECONDS)).as("the mail's attempt, held").isEqualTo(1);
            assertThat(hook.awaitAccepted(1, 60, TimeUnit.SECONDS)).as("the webhook's attempt, held").isEqualTo(1);

            Main stopping = running;
            running = null;
            // completes, and is not forced: a forced stop would come only after the 30 s shutdown timeout and say so
            CompletableFuture.runAsync(stopping::stop).get(120, TimeUnit.SECONDS);
            pass.exceptionally(stopped -> null).get(60, TimeUnit.SECONDS);

            assertThat(log.lines()).as("the stop was not forced").noneMatch(l -> l.contains("graceful shutdown") || l.contains("inflight"));
            assertThat(mailServer.awaitAccepted(2, 1, TimeUnit.SECONDS)).as("no retry").isEqualTo(1);
            assertThat(hook.awaitAccepted(2, 1, TimeUnit.SECONDS)).as("no retry").isEqualTo(1);
            Map<String, LastDeliveries.Channel> recorded = new LastDeliveries(app.data.resolve("notifications.json")).read();
            assertThat(recorded.get("mail").lastFailure().reason()).isEqualTo("Offsite stopped during attempt 1");
            assertThat(recorded.get("mail").lastFailure().attempts()).isEqualTo(1);
            assertThat(recorded.get("mail").unsent()).as("kept to be sent late").hasSize(1);
            assertThat(recorded.get("webhook").lastFailure().reason()).isEqualTo("Offsite stopped during attempt 1");
            assertThat(log.lines()).contains("WARN mail to ops@example.org given up after 1 attempt: Offsite stopped during attempt 1;"
                    + " the run's result stands");
            assertThat(String.join("\n", log.lines())).doesNotContain(PING_ID);
        }
    }

    /** offsite.notify.mail.tls=tls (port 465): the socket is made by MailSockets' wrapper around the JVM's TLS factory. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"during the TLS handshake", "after the TLS handshake"})
    void a_stop_ends_a_tls_mail_whose_server_hangs_and_records_it_given_up(String when) throws Exception {
        SSLContext jvmDefault = SSLContext.getDefault();
        SelfSignedTls certificate = SelfSignedTls.make(dir.resolve("tls"));
        // the JVM's default TLS (what mail over tls uses) trusts the test server, so its handshake completes
        SSLContext.setDefault(certificate.trusting());
        try (HangingServer mailServer = when.startsWith("during") ? new HangingServer() : HangingServer.afterTlsHandshake(certificate.serving())) {
            app.set("offsite.notify.mail.host", "127.0.0.1")
                    .set("offsite.notify.mail.port", String.valueOf(mailServer.port()))
                    .set("offsite.notify.mail.tls", "tls")
                    .set("offsite.notify.mail.from", "offsite@example.org")
                    .set("offsite.notify.mail.to", "ops@example.org")
                    .set("offsite.notify.retries", "3")
                    .set("offsite.notify.retry-delay", "10m")
                    .set("camel.main.shutdown-timeout", "30")
                    .set("camel.component.smtp.connection-timeout", "120000");

            CompletableFuture<SyncReport> pass = passInBackground();
            // during: the connection accepted, the client's hello unanswered; after: the handshake done, no SMTP greeting
            assertThat(mailServer.awaitAccepted(1, 60, TimeUnit.SECONDS)).as("the mail's attempt, held " + when).isEqualTo(1);

            Main stopping = running;
            running = null;
            CompletableFuture.runAsync(stopping::stop).get(120, TimeUnit.SECONDS);
            pass.exceptionally(stopped -> null).get(60, TimeUnit.SECONDS);

            assertThat(log.lines()).as("the stop was not forced").noneMatch(l -> l.contains("graceful shutdown") || l.contains("inflight"));
            assertThat(mailServer.awaitAccepted(2, 1, TimeUnit.SECONDS)).as("no retry").isEqualTo(1);
            LastDeliveries.Channel mail = new LastDeliveries(app.data.resolve("notifications.json")).read().get("mail");
            assertThat(mail.lastFailure().reason()).isEqualTo("Offsite stopped during attempt 1");
            assertThat(mail.lastFailure().attempts()).isEqualTo(1);
            assertThat(mail.unsent()).as("kept to be sent late").hasSize(1);
            assertThat(log.lines()).contains("WARN mail to ops@example.org given up after 1 attempt: Offsite stopped during attempt 1;"
                    + " the run's result stands");
        } finally {
            SSLContext.setDefault(jvmDefault);
        }
    }
}
