package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import offsite.testing.HttpReceiver;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A report given up (its server down that night) is kept in notifications.json and sent late once its channel works
 * again: at the next start of `run`, or right after the next report that goes through; by one process only when `run`
 * and a command started by hand both would. Real servers: GreenMail, a port that refuses, a real HTTP receiver; a real
 * second JVM.
 */
class UnsentNotificationsSentLateTest {

    static final String TOKEN = "tok-9f8e7d6c5b4a-SECRET";
    static final ObjectMapper JSON = new ObjectMapper();

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
        app.set("offsite.notify.retries", "1").set("offsite.notify.retry-delay", "100ms");
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

    private LastDeliveries.Channel recorded(String channel) throws Exception {
        return new LastDeliveries(app.data.resolve("notifications.json")).read().get(channel);
    }

    @Test
    void a_mail_given_up_while_the_server_was_down_is_sent_late_when_run_starts_with_the_server_back() throws Exception {
        int refusing;
        try (ServerSocket closed = new ServerSocket(0)) { // bound then closed: a connection to it is refused
            refusing = closed.getLocalPort();
        }
        app.set("offsite.notify.mail.host", "127.0.0.1")
                .set("offsite.notify.mail.port", String.valueOf(refusing))
                .set("offsite.notify.mail.tls", "none")
                .set("offsite.notify.mail.from", "offsite@example.org")
                .set("offsite.notify.mail.to", "ops@example.org");
        OffsiteHarness.CommandResult night = app.command("sync");
        assertThat(night.exit()).as(night.out()).isZero();
        assertThat(recorded("mail").unsent()).hasSize(1);
        String subject = recorded("mail").unsent().get(0).subject();

        app.set("offsite.notify.mail.port", String.valueOf(smtp.getSmtp().getPort())); // the server is back
        running = app.startRunning();

        assertThat(smtp.waitForIncomingEmail(60_000, 1)).as("the late mail").isTrue();
        MimeMessage late = smtp.getReceivedMessages()[0];
        assertThat(late.getSubject()).isEqualTo("[late] " + subject);
        assertThat(GreenMailUtil.getBody(late)).startsWith("Sent late: this report could not be sent at the time (given up ")
                .contains("mirror up to date");
        // the server has the mail before the sender has its answer: stop only once the sender recorded it sent
        for (int i = 0; i < 600 && !recorded("mail").unsent().isEmpty(); i++) {
            Thread.sleep(100);
        }
        running.stop();
        running = null;
        assertThat(recorded("mail").unsent()).as("sent once, kept no longer").isEmpty();
        assertThat(recorded("mail").working()).isTrue();
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void a_webhook_given_up_is_sent_late_right_after_the_next_report_that_goes_through_and_only_once() throws Exception {
        app.set("offsite.notify.webhook.url", receiver.url("/hook/" + TOKEN));
        receiver.answering(500, 500); // the first night: both attempts fail
        assertThat(app.command("sync").exit()).isZero();
        assertThat(recorded("webhook").unsent()).hasSize(1);
        assertThat(recorded("webhook").unsent().get(0).body()).doesNotContain(TOKEN);

        assertThat(app.command("sync").exit()).isZero(); // the next night the receiver answers

        List<HttpReceiver.Request> arrived = receiver.await(4, 60, TimeUnit.SECONDS);
        assertThat(arrived).hasSize(4);
        JsonNode fresh = JSON.readTree(arrived.get(2).body());
        JsonNode late = JSON.readTree(arrived.get(3).body());
        assertThat(fresh.has("givenUpAt")).isFalse();
        assertThat(Instant.parse(late.get("givenUpAt").asText())).isBefore(Instant.now());
        assertThat(late.get("text").asText()).startsWith("Sent late: this report could not be sent at the time");
        assertThat(late.get("headline").asText()).isEqualTo(JSON.readTree(arrived.get(0).body()).get("headline").asText());
        assertThat(recorded("webhook").unsent()).isEmpty();

        assertThat(app.command("sync").exit()).isZero();
        assertThat(receiver.await(6, 5, TimeUnit.SECONDS)).as("the third night: its own report, no late copy again").hasSize(5);
    }

    @Test
    void a_channel_down_for_weeks_keeps_only_its_newest_ten_reports_to_send_late() throws Exception {
        LastDeliveries deliveries = new LastDeliveries(dir.resolve("notifications.json"));
        for (int night = 1; night <= 12; night++) {
            deliveries.givenUp(new MailNotice("offsite@example.org", "ops@example.org", "night " + night, "report"),
                    Instant.parse("2026-11-01T03:00:00Z").plusSeconds(86_400L * night), "Connection refused", 4);
        }
        List<LastDeliveries.Unsent> unsent = deliveries.read().get("mail").unsent();
        assertThat(unsent).extracting(LastDeliveries.Unsent::subject).hasSize(10).startsWith("night 3").endsWith("night 12");
        assertThat(log.lines()).anyMatch(l -> l.contains("not kept to be sent again: more than 10 unsent"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"another process", "another instance in this process"})
    void two_resenders_at_once_on_one_data_directory_send_each_late_report_once(String other) throws Exception {
        Path file = app.data.resolve("notifications.json");
        LastDeliveries night = new LastDeliveries(file);
        for (int n = 1; n <= 10; n++) { // ten reports given up, then the channel worked again
            night.givenUp(new MailNotice("offsite@example.org", "ops@example.org", "night " + n, "report " + n),
                    Instant.parse("2026-11-01T03:00:00Z").plusSeconds(86_400L * n), "Connection refused", 4);
        }
        night.sent("mail", Instant.now());
        int port = smtp.getSmtp().getPort();
        int[] theirs = new int[1];

        // this one claims, and the other one runs whole while this one's mails are still to go: the race at its widest
        int mine = resend(file, port, () -> theirs[0] = other.equals("another process") ? resendInSecondJvm(file, port) : resend(file, port,
                () -> { }));

        assertThat(mine + theirs[0]).isEqualTo(10);
        assertThat(resend(file, port, () -> { })).as("nothing left to send").isZero();
        assertThat(Arrays.stream(smtp.getReceivedMessages()).map(UnsentNotificationsSentLateTest::subject))
                .as("one mail per report given up").hasSize(10).doesNotHaveDuplicates().allMatch(subject -> subject.startsWith("[late] night "));
        assertThat(recorded("mail").unsent()).isEmpty();
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /**
     * One process's late resend, as routes/notify.yaml makes it: the reports claimed (Notices.resends, with the channel
     * working), afterClaim, then each mailed over SMTP and recorded sent. Returns how many it sent.
     */
    static int resend(Path file, int port, Step afterClaim) throws Exception {
        LastDeliveries deliveries = new LastDeliveries(file);
        NotifySettings settings = new NotifySettings(NotifyWhen.ALWAYS, new MailSettings("127.0.0.1", port, MailTls.NONE, null, null,
                "offsite@example.org", List.of("ops@example.org")), null, List.of(), null, null, 0, Duration.ofSeconds(1));
        List<Notice> late = new Notices(settings, () -> "nas1", deliveries).resends();
        afterClaim.run();
        Properties smtpServer = new Properties();
        smtpServer.setProperty("mail.smtp.host", "127.0.0.1");
        smtpServer.setProperty("mail.smtp.port", String.valueOf(port));
        for (Notice notice : late) {
            MailNotice mail = (MailNotice) notice;
            MimeMessage message = new MimeMessage(Session.getInstance(smtpServer));
            message.setFrom(new InternetAddress(mail.from()));
            message.setRecipients(MimeMessage.RecipientType.TO, mail.to());
            message.setSubject(mail.subject());
            message.setText(mail.text(), "UTF-8");
            Transport.send(message);
            deliveries.sent(notice, Instant.now());
        }
        return late.size();
    }

    static int resendInSecondJvm(Path file, int port) throws Exception {
        Path out = file.resolveSibling("second-resender.out");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SecondResender.class.getName(), file.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String said = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(said).isZero();
        return Integer.parseInt(said.lines().filter(l -> l.startsWith("sent ")).findFirst().orElseThrow().substring("sent ".length()));
    }

    /** The other process (a `sync` started by hand beside `run`): resends at once and prints "sent N". */
    public static final class SecondResender {

        public static void main(String[] args) throws Exception {
            System.out.println("sent " + resend(Path.of(args[0]), Integer.parseInt(args[1]), () -> { }));
        }
    }
}
