package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The long-running process refuses at start-up a schedule it could never keep (issue 15, item 11), or a place it could never
 * serve or copy to, naming the setting.
 */
class ScheduleSettingsTest {

    @TempDir
    Path dir;

    /** A setting with a bad value, what the refusal must say, and the settings that turn its pipeline on. */
    record Refused(String name, String value, String said, Map<String, String> alongside) {
    }

    static Stream<Refused> refusals() {
        return Stream.of(
                new Refused("offsite.sync.cron", "0 30 23 * * MON-SAT", "Quartz says: Support for specifying both a day-of-week AND a"
                        + " day-of-month parameter is not implemented.", Map.of()),
                new Refused("offsite.image.cron", "0 0 * * *", "a Quartz cron expression with seconds", Map.of("offsite.image.roots", "ROOT")),
                new Refused("offsite.offline.cron", "0 0 3 32 * ?", "Quartz says: Day of month values must be between 1 and 31",
                        Map.of("offsite.offline.destination", "ROOT")),
                new Refused("offsite.sync.max-duration", "0m", "a duration above zero", Map.of()),
                new Refused("offsite.offline.destination", "FILE", "a folder, the mount point of the drive", Map.of()),
                // relative to the working directory, which differs under bin/offsite, the container and systemd
                new Refused("offsite.offline.destination", "usb-drive", "an absolute path, the mount point of the drive the copies go to:"
                        + " a relative one would depend on the folder Offsite is started from", Map.of()),
                new Refused("offsite.http.port", "TAKEN", "a port free on 127.0.0.1; Address already in use", Map.of()),
                new Refused("offsite.http.host", "192.0.2.1", "an address of this machine", Map.of("offsite.http.user", "admin",
                        "offsite.http.password", "pw")),
                new Refused("offsite.s3.embedded-port", "TAKEN", "a port free on 127.0.0.1, or 0 for any free one; Address already in use",
                        Map.of("offsite.s3.endpoint", "embedded")),
                new Refused("offsite.s3.embedded-port", "PAGE", "another port than offsite.http.port", Map.of("offsite.s3.endpoint",
                        "embedded")));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("refusals")
    void a_setting_that_could_never_run_stops_the_start_naming_the_setting_the_value_and_why(Refused bad) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        try (OffsiteHarness app = new OffsiteHarness(dir); ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String value = bad.value().replace("FILE", Files.writeString(dir.resolve("a-file"), "not a folder").toString())
                    .replace("TAKEN", String.valueOf(taken.getLocalPort())).replace("PAGE", String.valueOf(app.httpPort()));
            app.set(bad.name(), value);
            bad.alongside().forEach((k, v) -> app.set(k, v.replace("ROOT", root.toString())));

            Throwable failure = catchThrowable(() -> {
                Main main = app.startRunning();
                main.stop();
            });

            assertThat(failure).as("refused at start-up").isNotNull();
            assertThat(rootMessage(failure)).startsWith(bad.name() + ": '" + value + "' is not valid (expected ")
                    .contains(bad.said());
        }
    }

    /** The message of the innermost cause, which the command line prints. */
    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && !(t instanceof SettingError)) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
