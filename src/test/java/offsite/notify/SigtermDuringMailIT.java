package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import offsite.testing.HangingServer;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged `run` process (bin/offsite, as users and `docker stop` meet it) sent a real SIGTERM while its report mail
 * waits for a server that accepted the connection and never answers. The stop then goes through the JVM's shutdown hook
 * (Camel Main's hang-up interceptor), not Main.stop() as in BrokenNetworkNotifyTest.
 */
class SigtermDuringMailIT {

    @TempDir
    Path dir;

    @Test
    void a_sigterm_while_the_report_mail_hangs_ends_the_process_by_itself_and_records_the_mail_given_up() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); HangingServer mailServer = new HangingServer()) {
            app.write("Members/AA000001.rdb", 100_000, 1);
            app.set("offsite.sync.run-on-start", "true")
                    .set("offsite.notify.when", "always")
                    .set("offsite.notify.mail.host", "127.0.0.1")
                    .set("offsite.notify.mail.port", String.valueOf(mailServer.port()))
                    .set("offsite.notify.mail.tls", "none")
                    .set("offsite.notify.mail.from", "offsite@example.org")
                    .set("offsite.notify.mail.to", "ops@example.org")
                    .set("offsite.notify.retries", "3")
                    .set("offsite.notify.retry-delay", "10m")
                    // far past the shipped 30 s shutdown timeout: only closing the socket ends the attempt in time
                    .set("camel.component.smtp.connection-timeout", "600000");
            Path config = app.writeConfig(dir.resolve("run.properties"));
            Path log = dir.resolve("run.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of("bin/offsite").toAbsolutePath().toString(), "--config", config.toString(), "run")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("OFFSITE_") || k.equals("JAVA_OPTS"));
            builder.environment().put("OFFSITE_CDS", "false");
            Process run = builder.start();
            boolean ended;
            try {
                assertThat(mailServer.awaitAccepted(1, 180, TimeUnit.SECONDS)).as("the report mail's attempt, held; the process said:\n%s",
                        Files.readString(log)).isEqualTo(1);

                run.destroy(); // SIGTERM, as docker stop and systemd send it

                ended = run.waitFor(60, TimeUnit.SECONDS); // a failure bound: a forced stop would take 30 s and more
            } finally {
                run.destroyForcibly();
            }
            String out = Files.readString(log);

            assertThat(ended).as("the process ended by itself after SIGTERM; it said:\n%s", out).isTrue();
            assertThat(run.exitValue()).as(out).isEqualTo(143); // the JVM's own for SIGTERM (README: the command's exit code)
            assertThat(out).as("the stop was not forced").doesNotContain("graceful shutdown").doesNotContain("inflight")
                    .doesNotContain(app.s3.secretKey());
            assertThat(out.lines()).as(out).anyMatch(l -> l.contains("WARN") && l.endsWith("mail to ops@example.org given up after 1"
                    + " attempt: Offsite stopped during attempt 1; the run's result stands"));
            assertThat(mailServer.awaitAccepted(2, 1, TimeUnit.SECONDS)).as("no retry").isEqualTo(1);
            LastDeliveries.Channel mail = new LastDeliveries(app.data.resolve("notifications.json")).read().get("mail");
            assertThat(mail).as("the mail's outcome is recorded; the process said:\n%s", out).isNotNull();
            assertThat(mail.lastSent()).isNull();
            assertThat(mail.lastFailure().reason()).isEqualTo("Offsite stopped during attempt 1");
            assertThat(mail.lastFailure().attempts()).isEqualTo(1);
            List<String> subjects = new ArrayList<>();
            mail.unsent().forEach(u -> subjects.add(u.subject()));
            assertThat(subjects).as("kept to be sent late").singleElement().asString().startsWith("Offsite mirror on ");
        }
    }
}
