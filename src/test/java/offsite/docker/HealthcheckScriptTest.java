package offsite.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/healthcheck.sh (the image's HEALTHCHECK) asks the port `run` listens on, found as Offsite finds it, against a
 * server on 127.0.0.1 that answers /observe/health as the page does: UP 200 or DOWN 503.
 */
class HealthcheckScriptTest {

    @TempDir
    Path dir;

    private HttpServer page;
    private volatile int code = 200;

    @BeforeEach
    void startPage() throws IOException {
        page = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        page.createContext("/observe/health", exchange -> {
            byte[] body = (code == 200 ? "UP" : "DOWN").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        page.start();
    }

    @AfterEach
    void stopPage() {
        page.stop(0);
    }

    @Test
    void healthcheck_asks_the_port_the_mounted_settings_file_names() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "offsite.http.port=1\n# offsite.http.port=2\noffsite.http.port : "
                + port() + "\r\n");

        assertThat(healthcheck(Map.of("OFFSITE_CONFIG_DIR", dir.toString()))).isZero();
        code = 503;
        assertThat(healthcheck(Map.of("OFFSITE_CONFIG_DIR", dir.toString()))).isEqualTo(1);
    }

    @Test
    void healthcheck_takes_the_port_from_the_environment_then_java_opts_before_the_settings_file() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "offsite.http.port=1\n");

        assertThat(healthcheck(Map.of("OFFSITE_CONFIG_DIR", dir.toString(), "OFFSITE_HTTP_PORT", String.valueOf(port())))).isZero();
        assertThat(healthcheck(Map.of("OFFSITE_CONFIG_DIR", dir.toString(), "JAVA_OPTS", "-Xmx1g -Doffsite.http.port=" + port()))).isZero();
        assertThat(healthcheck(Map.of("OFFSITE_CONFIG_DIR", dir.toString(), "OFFSITE_HTTP_PORT", "1", "JAVA_OPTS", "-Doffsite.http.port="
                + port()))).isEqualTo(1);
    }

    private int port() {
        return page.getAddress().getPort();
    }

    /** The script's exit code, run with only the given environment (and PATH). */
    private int healthcheck(Map<String, String> environment) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "docker/healthcheck.sh").redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().keySet().removeIf(name -> !name.equals("PATH"));
        pb.environment().putAll(environment);
        Process process = pb.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
