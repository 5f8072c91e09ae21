package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import offsite.testing.OffsiteHarness;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A one-shot command builds the routes its pipeline runs and leaves the others out (the web pages always), and checks no page setting. */
class OneShotTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "sync   | sync-pass list-objects                           | image-backup offline-copy web-auth",
            "verify | sync-pass list-objects                           | image-backup offline-copy web-auth",
            "image  | image-backup image-put list-objects sync-pass    | web-auth",
            "offline | offline-run offline-copy notify                  | sync-pass image-backup web-auth"})
    void a_command_builds_the_routes_of_its_pipeline_only(String mode, String built, String left) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir);
                OneShot oneShot = new OneShot(app.writeConfig(dir.resolve("app.properties")), mode, Map.of())) {
            List<String> ids = oneShot.camel().getRoutes().stream().map(Route::getRouteId).toList();

            assertThat(ids).contains(built.split(" +"));
            assertThat(ids).doesNotContainAnyElementsOf(List.of(left.split(" +")));
        }
    }

    @Test
    void the_offline_command_builds_the_monthly_schedule_but_never_starts_it() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.set("offsite.offline.destination", Files.createDirectories(dir.resolve("usb")).toString());
            try (OneShot oneShot = new OneShot(app.writeConfig(dir.resolve("app.properties")), "offline", Map.of())) {
                assertThat(oneShot.camel().getRouteController().getRouteStatus("offline-copy").isStarted()).isFalse();
                assertThat(oneShot.camel().getRouteController().getRouteStatus("offline-run").isStarted()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sync", "verify", "image", "restore", "status"})
    void a_one_shot_command_starts_on_an_open_page_address_without_a_password_since_it_serves_no_page_issue_16(String mode)
            throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.set("offsite.http.host", "0.0.0.0"); // the container's setting, with no offsite.http.user or password
            try (OneShot oneShot = new OneShot(app.writeConfig(dir.resolve("app.properties")), mode, Map.of())) {
                assertThat(oneShot.camel().isStarted()).isTrue();
            }
        }
    }
}
