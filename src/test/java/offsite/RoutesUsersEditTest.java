package offsite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.sync.SyncRequest;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, point 6: users extend Offsite by editing copies of routes/*.yaml. Each edit here is one a user makes
 * (README shows the first two); every command and the long-running process must still work on the edited routes,
 * with their results taken from the pass, not from whatever body the route's last step leaves.
 */
class RoutesUsersEditTest {

    @TempDir
    Path dir;

    private OffsiteHarness app;
    private Path routes;

    @BeforeEach
    void copyOfTheRoutes() throws IOException {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 6 << 20, 1);
        app.write("Set A.rbc", 1000, 2);
        routes = Files.createDirectories(dir.resolve("my/routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        app.set("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
    }

    @AfterEach
    void close() {
        app.close();
    }

    /** Appends steps at the end of the sync-pass route (after its last step, the log of the report). */
    private void appendToSyncPass(String steps) throws IOException {
        Path sync = routes.resolve("sync.yaml");
        String yaml = Files.readString(sync);
        String last = "            logName: offsite.sync\n";
        assertThat(yaml).contains(last);
        Files.writeString(sync, yaml.replace(last, last + steps));
    }

    @Test
    void a_step_that_writes_the_report_text_to_a_file_after_the_pass_keeps_every_command_working() throws Exception {
        Path out = Files.createDirectories(dir.resolve("reports-for-the-nas"));
        appendToSyncPass("""
                        - setBody:
                            simple: "${body.text()}"
                        - to: "file:%s?fileName=last-sync.txt"
                """.formatted(out));

        OffsiteHarness.CommandResult sync = app.command("sync");
        assertThat(sync.exit()).as(sync.out()).isZero();
        assertThat(sync.out()).startsWith("OK: mirror up to date: 2 file(s) uploaded");
        assertThat(Files.readString(out.resolve("last-sync.txt"))).startsWith("OK: mirror up to date: 2 file(s) uploaded");

        OffsiteHarness.CommandResult dryRun = app.command("sync", "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.out()).isZero();
        assertThat(dryRun.out()).contains("unchanged").contains("OK: dry run: 0 file(s) to upload");

        OffsiteHarness.CommandResult verify = app.command("verify");
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("OK: 0 difference(s)");

        OffsiteHarness.CommandResult restore = app.command("restore-set", "--to", dir.resolve("restored").toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(OffsiteHarness.digests(dir.resolve("restored"))).isEqualTo(app.sourceFiles());
    }

    @Test
    void a_route_added_on_a_timer_runs_beside_the_long_running_process() throws Exception {
        Path beats = dir.resolve("beats");
        Files.writeString(routes.resolve("my-heartbeat.yaml"), """
                - route:
                    id: my-heartbeat
                    from:
                      uri: timer:my-heartbeat
                      parameters:
                        period: 200
                      steps:
                        - setBody:
                            simple: "alive ${date:now:HH:mm:ss.SSS}"
                        - to: 'file:%s?fileName=beats.txt&fileExist=Append&appendChars=\\\\n'
                """.formatted(beats));

        Main running = app.startRunning();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(beats.resolve("beats.txt")) || Files.readAllLines(beats.resolve("beats.txt")).size() < 3) {
                assertThat(System.nanoTime()).as("the added route never ran").isLessThan(deadline);
                Thread.sleep(100);
            }
            SyncRequest request = SyncRequest.command(false, false, false);
            running.getCamelContext().createProducerTemplate().sendBody("direct:sync", request);
            assertThat(request.pass().report().status()).as(request.pass().report().text()).isEqualTo(RunStatus.OK);
        } finally {
            running.stop();
        }
        OffsiteHarness.CommandResult sync = app.command("sync");
        assertThat(sync.exit()).as(sync.out()).isZero();
        assertThat(sync.out()).startsWith("OK: mirror up to date, nothing to send");
    }

    @Test
    void a_step_removed_from_the_pass_leaves_the_rest_working() throws Exception {
        Path sync = routes.resolve("sync.yaml");
        String yaml = Files.readString(sync);
        String sample = """
                        - bean:
                            ref: storageSampler
                            method: afterSync
                """;
        assertThat(yaml).contains(sample);
        Files.writeString(sync, yaml.replace(sample, ""));

        OffsiteHarness.CommandResult result = app.command("sync");

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).startsWith("OK: mirror up to date: 2 file(s) uploaded");
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
    }

    @Test
    void removing_the_report_step_is_named_not_reported_as_a_type_error() throws Exception {
        Path sync = routes.resolve("sync.yaml");
        String yaml = Files.readString(sync);
        String report = """
                        - bean:
                            ref: passReport
                            method: finish
                """;
        assertThat(yaml).contains(report);
        Files.writeString(sync, yaml.replace(report, "").replace("message: \"${body.text()}\"", "message: \"pass ended\""));

        OffsiteHarness.CommandResult result = app.command("sync");

        assertThat(result.exit()).isEqualTo(2);
    }
}
