package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import offsite.OffsiteApp;
import offsite.config.SettingError;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The status page's port is refused when Camel's server really binds it: a port another program holds then, from before the
 * start or taken after the settings were read, stops `run` before any route starts, with the setting's one line and no stack
 * trace, instead of a process going on without its page.
 */
class PageServerTest {

    @TempDir
    Path dir;

    /** The page's address (offsite.http.host) and the address another program listens on with the same port. */
    record Held(String pageHost, String heldOn) {
    }

    static Stream<Held> holders() {
        return Stream.of(new Held("127.0.0.1", "127.0.0.1"), new Held("127.0.0.1", "0.0.0.0"), new Held("0.0.0.0", "127.0.0.1"));
    }

    // a run that went on without its page would never return: the limit only turns that hang into a failure
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @ParameterizedTest(name = "page on {0}, port held on {1}")
    @MethodSource("holders")
    void a_port_held_when_the_server_binds_stops_run_with_exit_2_and_one_line_naming_the_setting(Held held) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(InetAddress.getByName(held.heldOn()), 0));
            int port = other.getLocalPort();
            app.set("offsite.http.host", held.pageHost()).set("offsite.http.port", String.valueOf(port));
            app.set("offsite.http.user", "admin").set("offsite.http.password", "pw-Page-123"); // another address than loopback wants them

            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = app.command("run").exit();
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            List<String> lines = said.lines().filter(l -> l.startsWith("offsite: ")).toList();
            assertThat(exit).as(said).isEqualTo(2);
            assertThat(lines).containsExactly("offsite: offsite.http.port: '" + port + "' is not valid (expected a port free on "
                    + held.pageHost() + "; Address already in use)");
            assertThat(said).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
            assertThat(other.isBound()).as("the other program keeps its port").isTrue();
        }
    }

    @Test
    void a_port_another_program_takes_after_the_settings_were_read_stops_the_start_before_any_route_naming_the_setting()
            throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            Main main = OffsiteApp.create(app.writeConfig(dir.resolve("run.properties")), Map.of("offsite.mode", "run"));
            TakeThePort other = new TakeThePort(app.httpPort());
            main.addMainListener(other); // after the settings were read and checked, before Camel starts its server and routes
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Throwable failure;
            try {
                failure = catchThrowable(main::start);
            } finally {
                System.setErr(original);
                main.stop();
                other.close();
            }

            assertThat(other.refused).as("the other program got the port").isNull();
            assertThat(failure).as("the start went on without its page").isNotNull();
            assertThat(settingError(failure)).hasMessage("offsite.http.port: '" + app.httpPort() + "' is not valid (expected a port free on"
                    + " 127.0.0.1; Address already in use)");
            assertThat(main.getCamelContext().getRoutes()).as("no route started").allSatisfy(r ->
                    assertThat(main.getCamelContext().getRouteController().getRouteStatus(r.getId()).isStarted()).isFalse());
            assertThat(err.toString(StandardCharsets.UTF_8)).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    /** The SettingError the command line prints: the innermost cause that is one. */
    private static Throwable settingError(Throwable t) {
        while (t.getCause() != null && !(t instanceof SettingError)) {
            t = t.getCause();
        }
        return t;
    }

    /** Another program that tries to listen on the page's port once the application is configured. */
    static final class TakeThePort extends MainListenerSupport implements AutoCloseable {
        private final int port;
        private ServerSocket socket;
        IOException refused;

        TakeThePort(int port) {
            this.port = port;
        }

        @Override
        public void afterConfigure(BaseMainSupport main) { // the settings were read, the routes loaded; nothing started
            try {
                socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                refused = e;
            }
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }
    }
}
