package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import offsite.testing.Browser;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The status page of the running process after a real sync against S3Proxy, opened in headless Chromium. */
class StatusPageTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    Main running;

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

    @Test
    void the_page_in_a_browser_shows_what_the_api_says_and_loads_nothing_from_outside() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "backup-host\n");
        Files.writeString(tree.resolve("app.conf"), "password = hunter2\nport = 80\n");
        app.set("offsite.image.roots", tree.getParent().toString());
        app.sync();
        assertThat(app.command("image").out()).startsWith("OK: full backup");
        running = app.startRunning();
        String base = "http://127.0.0.1:" + app.httpPort() + "/";
        JsonNode status = new ObjectMapper().readTree(app.get("/api/status", null).body());
        JsonNode inventory = new ObjectMapper().readTree(app.get("/api/inventory", null).body());

        try (Browser browser = new Browser(dir)) {
            browser.open(base);
            String dom = browser.eval("document.documentElement.outerHTML");

            assertThat(status.at("/sync/state").asText()).isEqualTo("OK");
            assertThat(status.at("/image/state").asText()).isEqualTo("OK");
            assertThat(browser.eval("document.querySelector('#sync .state').dataset.state")).isEqualTo(status.at("/sync/state").asText());
            assertThat(browser.eval("document.querySelector('#image .state').dataset.state")).isEqualTo(status.at("/image/state").asText());
            assertThat(dom).contains("id=\"sync-destination\">to " + status.at("/sync/destination").asText());
            assertThat(status.at("/sync/destination").asText()).endsWith("/sets/");
            for (String part : List.of("mirror", "images", "trash")) {
                assertThat(browser.eval("document.getElementById('" + part + "-objects').textContent")).as(part)
                        .isEqualTo(inventory.at("/" + part + "/objects").asText());
                assertThat(browser.eval("document.getElementById('" + part + "-bytes').dataset.bytes")).as(part)
                        .isEqualTo(inventory.at("/" + part + "/bytes").asText());
            }
            assertThat(inventory.at("/mirror/objects").asInt()).isEqualTo(2);
            assertThat(inventory.at("/images/objects").asInt()).as("full.tar.zst and manifest.json").isEqualTo(2);
            assertThat(browser.eval("document.getElementById('stored').dataset.bytes")).isEqualTo(status.at("/storedBytes").asText());
            assertThat(browser.eval("document.querySelectorAll('#images tr').length")).as("header and the one backup").isEqualTo("2");
            assertThat(browser.eval("document.querySelector('#images tr:nth-child(2) td').textContent")).isEqualTo(inventory.at("/imageBackups/0/id").asText());
            assertThat(browser.eval("document.querySelector('#images tr:nth-child(2) td[data-bytes]').dataset.bytes"))
                    .isEqualTo(inventory.at("/imageBackups/0/bytes").asText());
            assertThat(inventory.at("/imageBackups/0/type").asText()).isEqualTo("full");
            assertThat(browser.eval("document.querySelectorAll('svg.chart').length")).isEqualTo("4");
            assertThat(status.get("fallbacks")).as("S3Proxy offers what a first pass and a full image backup ask").isEmpty();
            assertThat(browser.eval("document.getElementById('fallbacks').textContent")).startsWith("no fallback in use");
            assertThat(status.at("/totals/lastSyncRun/bytesSent").asLong()).as("the two files, once").isEqualTo((3 << 20) + 5000);
            assertThat(status.at("/totals/lastSyncRun/uploads").asLong()).isEqualTo(2);
            assertThat(status.at("/totals/month/bytesSent").asLong()).as("the mirror, the image and the state objects")
                    .isGreaterThan(status.at("/totals/lastSyncRun/bytesSent").asLong() + status.at("/totals/lastImageRun/bytesSent").asLong());
            for (String period : List.of("lastSyncRun", "lastImageRun", "today", "month")) {
                assertThat(browser.eval("document.querySelector('#totals tr[data-period=" + period + "] td:nth-child(4)').dataset.bytes"))
                        .as(period).isEqualTo(status.at("/totals/" + period + "/bytesSent").asText());
                assertThat(Long.parseLong(browser.eval("document.querySelector('#totals tr[data-period=" + period + "] td:nth-child(2)').textContent")))
                        .as(period + ": looking at the page or the API asks S3 nothing").isEqualTo(status.at("/totals/" + period + "/requests").asLong());
            }
            assertThat(browser.eval("Array.from(document.querySelectorAll('#inventory tr')).map(r => r.cells[0].textContent).join(',')"))
                    .isEqualTo(String.join(",", inventory.at("/objects").findValuesAsText("key")));

            // the inventory searched on the server, as a person types it
            browser.eval("document.querySelector('#inventory-search input[name=search]').value = 'set a';"
                    + " document.querySelector('#inventory-search button').click()");
            browser.waitUntil("location.search.includes('search=set+a') && document.readyState === 'complete'");
            assertThat(browser.eval("Array.from(document.querySelectorAll('#inventory tr')).map(r => r.cells[0].textContent).join(',')"))
                    .isEqualTo("sets/Set A.rbc");
            assertThat(browser.eval("document.getElementById('matching').textContent")).isEqualTo("1");
            assertThat(browser.eval("document.getElementById('mirror-objects').textContent")).as("the totals on every page").isEqualTo("2");

            // the activity filters, typed and clicked as a person would
            browser.eval("document.querySelector('#activity-filter input[name=operation]').value = 'PutObject';"
                    + " document.querySelector('#activity-filter button').click()");
            browser.waitUntil("location.search.includes('operation=PutObject') && document.readyState === 'complete'");
            String operations = browser.eval("Array.from(document.querySelectorAll('#activity tr')).slice(1).map(r => r.cells[2].textContent).join(',')");
            JsonNode puts = new ObjectMapper().readTree(app.get("/api/activity?operation=PutObject", null).body());
            assertThat(operations.split(",")).hasSize(puts.size()).containsOnly("PutObject");
            browser.eval("document.querySelector('#activity-filter input[name=pipeline]').value = 'image';"
                    + " document.querySelector('#activity-filter input[name=operation]').value = ''; document.querySelector('#activity-filter button').click()");
            browser.waitUntil("location.search.includes('pipeline=image') && document.readyState === 'complete'");
            String pipelines = browser.eval("Array.from(document.querySelectorAll('#activity tr')).slice(1).map(r => r.cells[1].textContent).join(',')");
            JsonNode image = new ObjectMapper().readTree(app.get("/api/activity?pipeline=image", null).body());
            assertThat(pipelines.split(",")).hasSize(image.size()).containsOnly("image");

            assertThat(browser.requested()).as("the page, its filters, and nothing else").isNotEmpty()
                    .allSatisfy(url -> assertThat(url).startsWith(base));
        }
        chromium("--screenshot=" + dir.resolve("page.png"), "--window-size=1200,1600", base);
        assertThat(dir.resolve("page.png")).isNotEmptyFile();
    }

    @Test
    void during_a_run_the_page_shows_each_stream_with_its_bytes_rate_and_time_left() throws Exception {
        running = app.set("offsite.sync.bandwidth", "1MB").startRunning(); // 3 MiB at 1 MB/s: a few seconds to look
        var pass = CompletableFuture.supplyAsync(
                () -> running.getCamelContext().createProducerTemplate().requestBody("direct:sync", (Object) null));
        JsonNode status = new ObjectMapper().readTree(app.get("/api/status", null).body());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!status.at("/sync/state").asText().equals("RUNNING") || status.at("/sync/progress/streams/0/bytes").asLong() == 0) {
            assertThat(System.nanoTime()).as("the pass never showed as running: " + status.at("/sync")).isLessThan(deadline);
            Thread.sleep(100);
            status = new ObjectMapper().readTree(app.get("/api/status", null).body());
        }
        String page = app.get("/", null).body();

        JsonNode stream = status.at("/sync/progress/streams/0");
        assertThat(stream.get("file").asText()).isEqualTo("sets/Members/AA000001.rdb");
        assertThat(stream.get("size").asLong()).isEqualTo(3 << 20);
        assertThat(stream.get("bytes").asLong()).isBetween(1L, 3L << 20);
        assertThat(stream.get("bytesPerSecond").asLong()).isPositive();
        assertThat(stream.get("etaSeconds").asLong()).isNotNegative();
        assertThat(status.at("/sync/progress/plannedBytes").asLong()).isEqualTo((3 << 20) + 5000);
        assertThat(page).contains("<table class=\"streams\">").contains("<td>sets/Members/AA000001.rdb</td>").contains(" left</p>");

        pass.get(60, TimeUnit.SECONDS);
        JsonNode after = new ObjectMapper().readTree(app.get("/api/status", null).body());
        assertThat(after.at("/sync/state").asText()).isEqualTo("OK");
        assertThat(after.at("/sync/progress").isMissingNode()).isTrue();
    }

    @Test
    void an_open_address_without_credentials_is_refused_at_start() {
        assertThatThrownBy(() -> running = app.set("offsite.http.host", "0.0.0.0").startRunning())
                .hasStackTraceContaining("offsite.http.host: '0.0.0.0' is not a loopback address");
    }

    @Test
    void metrics_and_health_are_there_and_change_after_a_run() throws Exception {
        running = app.startRunning();
        assertThat(app.get("/observe/health", null).body()).isEqualTo("UP");
        String before = app.get("/observe/metrics", null).body();
        assertThat(before).doesNotContain("offsite_uploaded_bytes_total{pipeline=\"sync\"}");

        running.getCamelContext().createProducerTemplate().requestBody("direct:sync", (Object) null);

        String after = app.get("/observe/metrics", null).body();
        assertThat(after).contains("offsite_uploaded_bytes_total{pipeline=\"sync\"} " + (double) ((3 << 20) + 5000))
                .contains("offsite_uploaded_objects_total{pipeline=\"sync\"} 2.0").contains("offsite_last_success_timestamp_seconds{pipeline=\"sync\"}")
                .contains("offsite_stored_bytes{pipeline=\"sync\"} " + (double) ((3 << 20) + 5000))
                .contains("offsite_stored_bytes{pipeline=\"image\"} 0.0").contains("offsite_stored_bytes{pipeline=\"trash\"} 0.0");
        List<String> samples = Files.readAllLines(app.data.resolve("storage-history.txt"));
        assertThat(samples).as("a storage sample after the run, before anyone looked").last().asString()
                .endsWith(" " + ((3 << 20) + 5000));
        assertThat(app.get("/observe/health?exposureLevel=full", null).body()).contains("\"s3\"").contains("\"source\"").contains("\"last-run\"");
    }

    @Test
    void the_inventory_is_dated_by_the_last_pass_that_changed_it_not_by_the_first_listing() throws Exception {
        app.sync();
        String firstListing = new ObjectMapper().readTree(Files.readString(app.data.resolve("inventory.json"))).get("listed").asText();
        app.write("Set B.rbc", 700, 3);
        app.sync(); // lists only its own prefix and the trash: the whole bucket is listed again after a week
        running = app.startRunning();

        JsonNode status = new ObjectMapper().readTree(app.get("/api/status", null).body());
        String page = app.get("/", null).body();

        String updated = status.get("inventoryUpdated").asText();
        assertThat(status.get("inventoryListed").asText()).isEqualTo(firstListing);
        assertThat(Instant.parse(updated)).isAfter(Instant.parse(firstListing));
        assertThat(page).contains("id=\"listed\">as last updated, " + updated + " (the whole bucket listed " + firstListing);
    }

    /** Local state as a crash or a full disk leaves it: the file damaged, what the page must still show, and the file it names. */
    record Damage(String name, String file, String content, boolean append, String named, String stillShown) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Damage> damage() {
        return Stream.of(
                new Damage("a torn line in the activity log", "activity/activity-MONTH.jsonl", "{\"time\":\"2026-11-", true,
                        "activity-MONTH.jsonl: 1 line(s) not readable", "id=\"mirror-objects\">2<"),
                new Damage("image-latest.json garbage", "reports/image-latest.json", "garbage\u0000", false,
                        "image-latest.json is not a readable report", "Backup-set mirror"),
                new Damage("sync-latest.json cut short", "reports/sync-latest.json", "{\"status\":\"OK\",\"reas", false,
                        "sync-latest.json is not a readable report", "data-state=\"OK\""),
                new Damage("the inventory garbage", "inventory.json", "[1,2", false, "inventory.json is not a readable inventory",
                        "data-state=\"OK\""),
                new Damage("a torn storage sample", "storage-history.txt", "2026-1", true, "storage-history.txt: 1 line(s) not readable",
                        "id=\"mirror-objects\">2<"));
    }

    @ParameterizedTest
    @MethodSource("damage")
    void damaged_local_state_costs_only_its_part_of_the_page_and_is_named(Damage d) throws Exception {
        app.sync();
        app.sync(); // a second pass: its activity comes after the line torn below
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        Path file = app.data.resolve(d.file().replace("MONTH", month));
        if (d.append()) {
            List<String> lines = Files.readAllLines(file);
            lines.add(1, d.content());
            Files.write(file, lines);
        } else {
            Files.writeString(file, d.content(), StandardCharsets.ISO_8859_1);
        }
        running = app.startRunning();

        HttpResponse<String> page = app.get("/", null);
        HttpResponse<String> status = app.get("/api/status", null);
        HttpResponse<String> inventory = app.get("/api/inventory", null);

        assertThat(List.of(page.statusCode(), status.statusCode(), inventory.statusCode())).containsOnly(200);
        String named = file.getParent().resolve(d.named().replace("MONTH", month)).toString();
        assertThat(page.body()).contains("<ul id=\"problems\" class=\"problems\"><li>" + Charts.escape(named)).contains(d.stillShown())
                .contains("<table id=\"activity\">");
        assertThat(new ObjectMapper().readTree(status.body()).get("problems")).anySatisfy(p -> assertThat(p.asText()).startsWith(named));
        assertThat(new ObjectMapper().readTree(inventory.body()).get("problems")).anySatisfy(p -> assertThat(p.asText()).startsWith(named));
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
