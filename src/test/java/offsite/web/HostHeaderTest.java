package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the no-auth loopback default, a request must name this server in its Host header: a page elsewhere whose
 * name an attacker rebinds to 127.0.0.1 (DNS rebinding) sends its own name and is refused (issue 15 item 7).
 */
class HostHeaderTest {

    @TempDir
    static Path dir;

    static OffsiteHarness app;
    static Main running;

    @BeforeAll
    static void start() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Set A.rbc", 5000, 2);
        app.sync();
        running = app.startRunning();
    }

    @AfterAll
    static void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        app.close();
    }

    /** A request as a browser sends it: the Host it names (null: none, as HTTP/1.0 allows), the path, the answer's status. */
    record Request(String name, String host, String path, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Request> requests() {
        return Stream.of(
                new Request("127.0.0.1 with the port", "127.0.0.1:PORT", "/api/status", 200),
                new Request("localhost with the port, in any case", "LocalHost:PORT", "/api/status", 200),
                new Request("[::1] with the port", "[::1]:PORT", "/api/inventory", 200),
                new Request("a rebound name", "evil.example:PORT", "/api/status", 421),
                new Request("a rebound name asking the page", "evil.example:PORT", "/", 421),
                new Request("a rebound name asking a download", "evil.example:PORT", "/download?key=sets/Set%20A.rbc", 421),
                new Request("a rebound name asking the metrics", "evil.example:PORT", "/observe/metrics", 421),
                new Request("a rebound name asking the detailed health", "evil.example:PORT", "/observe/health?exposureLevel=full", 421),
                new Request("a rebound name asking the bare health", "evil.example:PORT", "/observe/health", 421),
                new Request("loopback at another port (another server's page)", "127.0.0.1:1", "/api/status", 421),
                new Request("loopback without the port", "127.0.0.1", "/api/status", 421),
                new Request("no Host header at all", null, "/api/status", 421));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void without_credentials_only_a_host_naming_this_loopback_server_is_answered(Request r) throws Exception {
        String host = r.host() == null ? null : r.host().replace("PORT", String.valueOf(app.httpPort()));

        String answer = get(app.httpPort(), r.path(), host);

        assertThat(answer).matches("(?s)HTTP/1\\.[01] " + r.status() + " .*");
        if (r.status() == 421) {
            assertThat(answer).contains("answers only to the Host 127.0.0.1:" + app.httpPort()).doesNotContain(app.s3.bucket())
                    .doesNotContain("Set A.rbc");
        }
    }

    /** A raw HTTP request, since java.net.http sets the Host header itself; the whole answer as text. */
    static String get(int port, String path, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String request = host == null ? "GET " + path + " HTTP/1.0\r\n\r\n"
                    : "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
