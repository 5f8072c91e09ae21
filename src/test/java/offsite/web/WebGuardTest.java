package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import offsite.activity.ActivityLog;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;

/** Who may read what: basic auth on every path but the bare health status, probes that cost no request, S3 down (issue 15 items 7, 8, 11). */
class WebGuardTest {

    private static final String PASSWORD = "pw-Secret-123";

    @TempDir
    Path dir;

    OffsiteHarness app;
    Main running;

    @BeforeEach
    void set() throws Exception {
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

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_download_that_fails_answers_with_none_of_the_requests_headers_or_query() throws Exception {
        app.sync();
        running = app.startRunning();

        HttpResponse<String> missing = app.get("/download?key=sets/nope.rdb&Set-Cookie=sessionid%3Dattacker%3B%20Path%3D/"
                + "&Refresh=0%3Burl%3Dhttp://evil.example/", null);

        // the S3 error answered 500 with every header and query parameter as a response header: a cookie set for the host
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("no such object");
        assertThat(missing.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Set-Cookie") || h.equalsIgnoreCase("Refresh")
                || h.equalsIgnoreCase("key"));
        HttpResponse<String> found = app.get("/download?key=sets/Set%20A.rbc&Set-Cookie=a%3D1", null);
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Set-Cookie"));
    }

    @Test
    void the_download_guard_judges_the_key_it_serves_quotes_and_all() throws Exception {
        app.sync();
        // another application's object in a shared bucket, its key in quotes
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("'sets/other.txt'"), RequestBody.fromString("not Offsite's"));
        running = app.startRunning();

        HttpResponse<String> quoted = app.get("/download?key=%27sets/other.txt%27", null);

        // Camel's bean binding stripped the quotes for the guard, which judged sets/other.txt, and S3 was asked for the key sent
        assertThat(quoted.statusCode()).isEqualTo(404);
        assertThat(quoted.body()).isEqualTo("no such object");
        assertThat(app.get("/download?key=sets/Set%20A.rbc", null).statusCode()).isEqualTo(200);
    }

    /** A key the download link is asked for, and whether it may serve it (prefixes sets/, trash/, images/). */
    record Download(String key, boolean served) {
    }

    static Stream<Download> downloads() {
        return Stream.of(new Download("sets/Members/AA000001.rdb", true), new Download("sets.g2/Set A.rbc", true),
                new Download("sets.g17/x", true), new Download("trash/2026-12-01/sets/a", true), new Download("images/x/manifest.json", true),
                new Download("sets.gallery/secret.txt", false), new Download("sets.g/x", false), new Download("sets.g2x/y", false),
                new Download("otherapp/secret.txt", false), new Download("sets/../otherapp/x", false), new Download(null, false));
    }

    @ParameterizedTest
    @MethodSource("downloads")
    void the_download_link_serves_only_offsites_own_prefixes_and_generations(Download d) {
        WebPaths paths = new WebPaths(List.of("sets/", "trash/", "images/"), "sets.g");

        // sets.g matched any key starting so: another application's sets.gallery/ in a shared bucket was served
        assertThat(paths.downloadable(d.key())).as(String.valueOf(d.key())).isEqualTo(d.served());
    }

    @Test
    void an_image_backup_id_from_the_bucket_is_shown_as_text_never_as_markup() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        String id = "<img src=x onerror=alert(1)>";
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("images/" + id + "/manifest.json"), RequestBody.fromString(
                "{\"id\":\"" + id + "\",\"created\":\"2026-12-01T04:00:00Z\",\"type\":\"full\",\"imageSha256\":\"00\",\"host\":\"other\","
                        + "\"objects\":[]}"));
        app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.image.keys-dir", dir.resolve("machine").toString());
        assertThat(app.command("image").exit()).isZero();
        running = app.startRunning();

        String page = app.get("/", null).body();

        // another host's manifest (the image prefix may be shared) put its id into the page unescaped: script on the page
        assertThat(page).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain(id);
    }

    @Test
    void with_a_user_and_password_every_path_needs_them_but_the_bare_health_status() throws Exception {
        app.sync();
        running = app.set("offsite.http.user", "admin").set("offsite.http.password", PASSWORD).startRunning();
        String good = basic("admin", PASSWORD);

        for (String path : List.of("/", "/api/status", "/api/inventory", "/api/activity", "/download?key=sets/Set%20A.rbc", "/observe/metrics",
                "/observe/health?exposureLevel=full")) {
            assertThat(app.get(path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(app.get(path, basic("admin", "wrong")).statusCode()).as(path).isEqualTo(401);
            HttpResponse<String> allowed = app.get(path, good);
            assertThat(allowed.statusCode()).as(path).isEqualTo(200);
            assertThat(allowed.body()).as(path).doesNotContain(PASSWORD);
        }
        assertThat(app.get("/observe/metrics", good).body()).contains("offsite_stored_bytes{pipeline=\"sync\"}");
        assertThat(new ObjectMapper().readTree(app.get("/observe/health?exposureLevel=full", good).body()).at("/checks").findValuesAsText("name"))
                .containsExactly("s3", "source", "last-run");
        HttpResponse<String> probe = app.get("/observe/health", null);
        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(probe.body()).as("UP and nothing else: no check, route or bucket").isEqualTo("UP");
    }

    /** Camel reads {{ and }} as a placeholder: a password holding them was changed ("a{{b:c}}d" to "acd") or lost. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("passwordsWithBraces")
    void a_password_with_braces_is_taken_as_written(String password) throws Exception {
        running = app.set("offsite.http.user", "admin").set("offsite.http.password", password).startRunning();

        assertThat(app.get("/api/status", basic("admin", password)).statusCode()).isEqualTo(200);
    }

    static Stream<String> passwordsWithBraces() {
        return Stream.of("a{{b:c}}d", "x{{offsite.s3.region}}y", "open{{only", "close}}only", "{{env:HOME}}");
    }

    /** Only one of the pair set. */
    record HalfCredentials(String name, String user, String password, String named) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<HalfCredentials> halves() {
        return Stream.of(new HalfCredentials("a user without a password", "admin", "", "only offsite.http.user is set"),
                new HalfCredentials("a password without a user", "", PASSWORD, "only offsite.http.password is set"));
    }

    @ParameterizedTest
    @MethodSource("halves")
    void a_user_without_a_password_or_the_reverse_stops_the_start_naming_both_settings(HalfCredentials c) {
        app.set("offsite.http.user", c.user()).set("offsite.http.password", c.password());

        assertThatThrownBy(() -> running = app.startRunning())
                .hasStackTraceContaining("offsite.http.user and offsite.http.password: " + c.named()
                        + " (expected both, for basic auth on every page, or neither, for loopback only)")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(PASSWORD));
    }

    @Test
    void a_probe_costs_no_s3_request_the_bucket_is_checked_at_most_once_a_minute() throws Exception {
        app.sync();
        running = app.startRunning();
        long before = headBuckets();

        for (int i = 0; i < 20; i++) {
            HttpResponse<String> probe = app.get("/observe/health", null);
            assertThat(probe.statusCode()).isEqualTo(200);
            assertThat(probe.body()).isEqualTo("UP");
        }
        assertThat(app.get("/observe/health?exposureLevel=full", null).body()).contains("\"s3\"").contains("\"checked\"");

        assertThat(headBuckets() - before).as("one check for 21 probes").isEqualTo(1);
    }

    @Test
    void while_s3_is_down_the_page_and_api_answer_from_the_last_pass_health_is_down_and_a_failed_pass_counts_under_sync() throws Exception {
        SyncReport first = app.sync();
        assertThat(first.status().name()).isEqualTo("OK");
        int requestsBefore = new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll().size();
        running = app.set("offsite.s3.endpoint", "http://127.0.0.1:" + closedPort()).startRunning();

        HttpResponse<String> page = app.get("/", null);
        HttpResponse<String> status = app.get("/api/status", null);
        HttpResponse<String> inventory = app.get("/api/inventory", null);
        assertThat(List.of(page.statusCode(), status.statusCode(), inventory.statusCode())).containsOnly(200);
        assertThat(new ObjectMapper().readTree(status.body()).at("/sync/state").asText()).isEqualTo("OK");
        assertThat(new ObjectMapper().readTree(status.body()).at("/storedBytes").asLong()).isEqualTo((3 << 20) + 5000);
        assertThat(new ObjectMapper().readTree(inventory.body()).at("/objects").findValuesAsText("key"))
                .containsExactly("sets/Members/AA000001.rdb", "sets/Set A.rbc");
        assertThat(page.body()).contains("sets/Set A.rbc").contains("id=\"mirror-objects\">2<");
        assertThat(new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll()).as("looking asked S3 nothing").hasSize(requestsBefore);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> probe = app.get("/observe/health", null);
        while (probe.statusCode() != 503) {
            assertThat(System.nanoTime()).as("health never said DOWN: " + probe.body()).isLessThan(deadline);
            Thread.sleep(200);
            probe = app.get("/observe/health", null);
        }
        assertThat(probe.body()).isEqualTo("DOWN");
        JsonNode details = new ObjectMapper().readTree(app.get("/observe/health?exposureLevel=full", null).body());
        assertThat(details.at("/status").asText()).isEqualTo("DOWN");
        assertThat(details.at("/checks/0/status").asText()).isEqualTo("DOWN");

        SyncReport failed = running.getCamelContext().createProducerTemplate().requestBody("direct:sync", (Object) null, SyncReport.class);
        assertThat(failed.status().name()).isEqualTo("FAILED");
        assertThat(app.get("/observe/metrics", null).body()).as("issue 15 item 11: not only under pipeline=\"other\" (the HeadBucket)")
                .contains("offsite_failures_total{operation=\"pass\",pipeline=\"sync\"} 1.0");
        assertThat(app.get("/api/status", null).statusCode()).isEqualTo(200);
    }

    private long headBuckets() {
        return new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll().stream().filter(a -> a.operation().equals("HeadBucket")).count();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
