package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import offsite.report.ImageReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** /observe/health of the running process against S3Proxy, after runs whose reports are left in the data directory. */
class HealthTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    Main running;

    @BeforeEach
    void mirrorOnce() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Set A.rbc", 5000, 1);
        app.sync();
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        app.close();
    }

    @Test
    void an_unreadable_report_is_named_in_the_details_but_is_no_failed_run() throws Exception {
        try (Stream<Path> reports = Files.list(app.data.resolve("reports"))) {
            for (Path report : reports.filter(p -> p.getFileName().toString().startsWith("sync-")).toList()) {
                Files.writeString(report, "{\"status\":\"FAILED\",\"reas");
            }
        }
        running = app.startRunning();

        HttpResponse<String> health = app.get("/observe/health", null);
        JsonNode lastRun = new ObjectMapper().readTree(app.get("/observe/health?exposureLevel=full", null).body()).get("checks").get(2);

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(lastRun.get("name").asText()).isEqualTo("last-run");
        assertThat(lastRun.get("status").asText()).isEqualTo("UP");
        assertThat(lastRun.path("message").asText()).startsWith(app.data.resolve("reports/sync-latest.json") + " is not a readable report");
    }

    /** Whether image backups are configured now, and what health answers after an image backup that FAILED before. */
    record ImagesAfterAFailure(String name, boolean imagesOn, int code, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ImagesAfterAFailure> imagesAfterAFailure() {
        return Stream.of(
                new ImagesAfterAFailure("image backups still on: the failure stands", true, 503, "DOWN"),
                new ImagesAfterAFailure("image backups turned off since: history, not a failing pipeline", false, 200, "UP"));
    }

    @ParameterizedTest
    @MethodSource("imagesAfterAFailure")
    void a_failed_image_backup_counts_only_while_image_backups_are_on(ImagesAfterAFailure c) throws Exception {
        Instant at = Instant.parse("2026-11-01T00:00:00Z");
        new ReportStore(app.data.resolve("reports")).save(new ImageReport(RunStatus.FAILED, "cannot read /srv", "20261101T000000Z", null,
                null, at, at.plusSeconds(5), 0, 0, 0, 0, List.of(), 0, List.of(), List.of()));
        if (c.imagesOn()) {
            Path root = Files.createDirectories(dir.resolve("machine/etc"));
            Files.writeString(root.resolve("hostname"), "backup-host\n");
            app.set("offsite.image.roots", root.getParent().toString()).set("offsite.image.keys-dir", dir.resolve("keys").toString());
        }
        running = app.startRunning();

        HttpResponse<String> health = app.get("/observe/health", null);

        assertThat(health.statusCode()).isEqualTo(c.code());
        assertThat(health.body()).isEqualTo(c.body());
    }
}
