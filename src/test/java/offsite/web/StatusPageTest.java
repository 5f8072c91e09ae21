package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page of the running process after a real sync against S3Proxy, opened in headless Chromium. */
class StatusPageTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    Main running;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void syncThenRun() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 3 << 20, 1);
        app.write("Set A.rbc", 5000, 2);
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        app.close();
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void the_page_in_a_browser_shows_what_the_api_says_and_loads_nothing_from_outside() throws Exception {
        app.sync();
        running = app.startRunning();
        JsonNode status = new ObjectMapper().readTree(get("/api/status", null).body());
        JsonNode inventory = new ObjectMapper().readTree(get("/api/inventory", null).body());

        String dom = chromium("--dump-dom", "http://127.0.0.1:" + app.httpPort() + "/");

        assertThat(status.at("/sync/state").asText()).isEqualTo("OK");
        assertThat(dom).contains("data-state=\"" + status.at("/sync/state").asText() + "\"");
        assertThat(dom).contains("id=\"sync-destination\">to " + status.at("/sync/destination").asText());
        assertThat(status.at("/sync/destination").asText()).endsWith("/sets/");
        assertThat(dom).contains("id=\"mirror-objects\">" + inventory.at("/mirror/objects").asInt() + "<");
        assertThat(dom).contains("id=\"mirror-bytes\" data-bytes=\"" + inventory.at("/mirror/bytes").asLong() + "\"");
        assertThat(dom).contains("id=\"stored\" data-bytes=\"" + status.at("/storedBytes").asLong() + "\"");
        assertThat(inventory.at("/mirror/objects").asInt()).isEqualTo(2);
        assertThat(dom).contains("<svg").contains("Bytes uploaded per night").contains("PutObject");
        List<String> external = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href|url)\\s*[=(]\\s*[\"']?((?:https?:)?//[^\"' )>]+)").matcher(dom);
        while (m.find()) {
            if (!m.group(1).contains("//127.0.0.1")) {
                external.add(m.group(1));
            }
        }
        assertThat(external).as("nothing from outside 127.0.0.1").isEmpty();

        chromium("--screenshot=" + dir.resolve("page.png"), "--window-size=1200,1600", "http://127.0.0.1:" + app.httpPort() + "/");
        assertThat(dir.resolve("page.png")).isNotEmptyFile();
    }

    @Test
    void with_a_user_and_password_every_page_needs_them() throws Exception {
        running = app.set("offsite.http.user", "admin").set("offsite.http.password", "pw-Secret-123").startRunning();
        String good = "Basic " + Base64.getEncoder().encodeToString("admin:pw-Secret-123".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8));

        for (String path : List.of("/", "/api/status", "/api/inventory", "/api/activity", "/download?key=sets/Set%20A.rbc")) {
            assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, bad).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(get("/api/status", good).statusCode()).isEqualTo(200);
        assertThat(get("/api/status", good).body()).doesNotContain("pw-Secret-123");
    }

    @Test
    void an_open_address_without_credentials_is_refused_at_start() {
        assertThatThrownBy(() -> running = app.set("offsite.http.host", "0.0.0.0").startRunning())
                .hasStackTraceContaining("offsite.http.host: '0.0.0.0' is not a loopback address");
    }

    @Test
    void metrics_and_health_are_there_and_change_after_a_run() throws Exception {
        running = app.startRunning();
        assertThat(get("/observe/health", null).body()).contains("UP");
        String before = get("/observe/metrics", null).body();
        assertThat(before).doesNotContain("offsite_uploaded_bytes_total{pipeline=\"sync\"}");

        running.getCamelContext().createProducerTemplate().requestBody("direct:sync", (Object) null);

        String after = get("/observe/metrics", null).body();
        assertThat(after).contains("offsite_uploaded_bytes_total{pipeline=\"sync\"} " + (double) ((3 << 20) + 5000))
                .contains("offsite_uploaded_objects_total{pipeline=\"sync\"} 2.0").contains("offsite_last_success_timestamp_seconds{pipeline=\"sync\"}")
                .contains("offsite_stored_bytes{pipeline=\"sync\"} " + (double) ((3 << 20) + 5000));
        assertThat(get("/observe/health?exposureLevel=full", null).body()).contains("\"s3\"").contains("\"source\"").contains("\"last-run\"");
    }

    private String chromium(String... args) throws Exception {
        Path browser = Path.of("/usr/bin/chromium");
        assertThat(browser).as("Debian's chromium is needed for this test (apt-get install chromium)").exists();
        List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.log").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
