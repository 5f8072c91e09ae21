package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import offsite.faults.FaultProxy;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.S3Settings;
import offsite.testing.FaultyS3;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 14: the status page and /api/status name the S3 service's fallbacks in use, after S3Proxy behind the fault proxy. */
class FallbacksShownTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_LIST_MULTIPART_UPLOADS = "ListMultipartUploads not offered: pending uploads are read from the upload"
            + " journal in the data directory, so a cut upload still resumes";

    @TempDir
    Path dir;

    FaultProxy proxy;
    OffsiteHarness app;
    Main running;

    @BeforeEach
    void behindTheFaultProxy() throws Exception {
        S3Settings upstream = FaultyS3.openBucket();
        proxy = new FaultProxy(upstream.endpoint().getPort());
        app = new OffsiteHarness(dir, FaultyS3.through(upstream, proxy));
        app.write("Members/AA000001.rdb", 3 << 20, 1);
        app.write("Set A.rbc", 5000, 2);
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        app.close();
        proxy.close();
    }

    /** What the service behind the proxy refuses, and the fallback line the page must name after a pass on it (null: none). */
    record Service(String name, Consumer<FaultProxy> refuses, String named) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Service> services() {
        return Stream.of(
                new Service("ListMultipartUploads refused (501 NotImplemented)",
                        p -> p.refuse(FaultyS3.LIST_MULTIPART_UPLOADS, 501, "NotImplemented"), NO_LIST_MULTIPART_UPLOADS),
                new Service("nothing refused", p -> { }, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void a_sync_command_s_fallbacks_are_named_by_the_page_of_the_process_started_after_it(Service service) throws Exception {
        service.refuses().accept(proxy);
        SyncReport pass = app.sync();
        assertThat(pass.status()).as(pass.headline()).isEqualTo(RunStatus.OK);
        running = app.startRunning();

        JsonNode fallbacks = JSON.readTree(app.get("/api/status", null).body()).get("fallbacks");
        String page = app.get("/", null).body();

        if (service.named() == null) {
            assertThat(fallbacks).isEmpty();
            assertThat(page).contains("<p class=\"muted\" id=\"fallbacks\">no fallback in use");
        } else {
            assertThat(fallbacks).extracting(JsonNode::asText).containsExactly(service.named());
            assertThat(page).contains("<ul id=\"fallbacks\"><li>" + Charts.escape(service.named()) + "</li></ul>");
        }
    }

    @Test
    void a_fallback_the_running_process_meets_is_named_while_its_first_pass_is_under_way() throws Exception {
        proxy.refuse(FaultyS3.LIST_MULTIPART_UPLOADS, 501, "NotImplemented");
        running = app.set("offsite.sync.bandwidth", "1MB").startRunning(); // 3 MiB at 1 MB/s: a few seconds to look
        CompletableFuture<Object> pass = CompletableFuture.supplyAsync(
                () -> running.getCamelContext().createProducerTemplate().requestBody("direct:sync", (Object) null));
        JsonNode status = JSON.readTree(app.get("/api/status", null).body());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!status.at("/sync/state").asText().equals("RUNNING") || status.at("/sync/progress/streams/0/bytes").asLong() == 0) {
            assertThat(System.nanoTime()).as("the pass never showed as running: " + status.at("/sync")).isLessThan(deadline);
            Thread.sleep(100);
            status = JSON.readTree(app.get("/api/status", null).body());
        }
        String page = app.get("/", null).body();

        assertThat(status.at("/sync/headline").asText()).as("no report names it yet").isEqualTo("no pass yet");
        assertThat(status.get("fallbacks")).extracting(JsonNode::asText).containsExactly(NO_LIST_MULTIPART_UPLOADS);
        assertThat(page).contains("<ul id=\"fallbacks\"><li>" + Charts.escape(NO_LIST_MULTIPART_UPLOADS) + "</li></ul>");
        pass.get(60, TimeUnit.SECONDS);
    }

    @Test
    void a_fallback_line_holding_markup_is_shown_as_text() throws Exception {
        app.sync();
        Path latest = app.data.resolve("reports/sync-latest.json");
        ObjectNode report = (ObjectNode) JSON.readTree(latest.toFile());
        ((ArrayNode) report.get("notes")).add("S3 service: <img src=x onerror=alert(1)> not offered: \"quoted\" & more");
        JSON.writeValue(latest.toFile(), report);
        running = app.startRunning();

        String page = app.get("/", null).body();

        assertThat(page).contains("<li>&lt;img src=x onerror=alert(1)&gt; not offered: &quot;quoted&quot; &amp; more</li>")
                .doesNotContain("<img");
    }
}
