package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.testing.HttpReceiver;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, point 7: one `run` process through several nights of both pipelines, each night a few seconds long (a
 * cron every 4 s): a good night, a night with S3 down, a night that fails before planning, a good night again. Each
 * night's reports, *-latest.json, /api/status, metrics and notifications must say what that night did, and nothing of
 * one night may leak into the next.
 */
class SeveralNightsTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    private RestartableS3 s3;
    private OffsiteHarness app;
    private HttpReceiver receiver;
    private Main running;
    private ReportStore reports;

    @BeforeEach
    void process() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        s3 = new RestartableS3(dir.resolve("blobs"), port);
        s3.start();
        app = new OffsiteHarness(dir.resolve("app"), s3.settings("nights"));
        app.client.createBucket(b -> b.bucket("nights"));
        app.write("Members/AA000001.rdb", 6 * MB, 1);
        app.write("Set A.rbc", 2000, 2);
        Path machine = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(machine.resolve("hostname"), "excalibur\n");
        receiver = new HttpReceiver();
        app.set("offsite.sync.scheduled", "true").set("offsite.sync.cron", "0/4 * * * * ?").set("offsite.sync.start-delay-max", "0s")
                .set("offsite.sync.stable-for", "0s")
                .set("offsite.image.roots", machine.getParent().toString()).set("offsite.image.cron", "2/4 * * * * ?")
                .set("offsite.image.keys-dir", dir.resolve("no-keys").toString())
                .set("offsite.notify.webhook.url", receiver.url("/hook")).set("offsite.notify.heartbeat-url", receiver.url("/ping"))
                .set("offsite.notify.image-heartbeat-url", receiver.url("/image-ping"))
                .set("offsite.notify.retries", "0");
        reports = new ReportStore(app.data.resolve("reports"));
        running = app.startRunning();
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        receiver.close();
        app.close();
        s3.close();
    }



    private JsonNode status() throws Exception {
        HttpResponse<String> page = app.get("/api/status", null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        return new ObjectMapper().readTree(page.body());
    }

    private String metrics() throws Exception {
        return app.get("/observe/metrics", null).body();
    }

    /** The webhook's reports since the n-th request, by pipeline and status. */
    private List<String> hooksFrom(int n) {
        return receiver.requests().stream().skip(n).filter(r -> r.path().equals("/hook"))
                .map(r -> {
                    try {
                        JsonNode body = new ObjectMapper().readTree(r.body());
                        return body.get("pipeline").asText() + " " + body.get("status").asText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    private List<String> pingsFrom(int n) {
        return receiver.requests().stream().skip(n).map(HttpReceiver.Request::path).filter(p -> p.startsWith("/ping")).toList();
    }

    @Test
    void four_nights_of_both_pipelines_each_reported_as_it_went() throws Exception {
        // a good night
        Night good = Night.after(reports, Instant.EPOCH);
        assertThat(good.sync().status()).as(good.sync().text()).isEqualTo(RunStatus.OK);
        assertThat(good.image().status()).as(good.image().text()).isEqualTo(RunStatus.OK);
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        assertThat(status().at("/sync/state").asText()).isIn("OK", "RUNNING");
        assertThat(metrics()).contains("offsite_last_success_timestamp_seconds{pipeline=\"sync\"}");
        String firstImage = good.image().id();

        // a night with S3 down: both fail, each saying why, and the good backup stays good
        int requests = receiver.requests().size();
        s3.stop();
        Instant down = Instant.now();
        Night failed = Night.after(reports, down);
        assertThat(failed.sync().status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.sync().reason()).contains("cannot reach offsite.s3.endpoint");
        assertThat(failed.image().status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.image().id()).as("the failed night is not reported as the good backup").isNotEqualTo(firstImage);
        assertThat(reports.latestImage().id()).isNotEqualTo(firstImage);
        JsonNode whileDown = status();
        assertThat(whileDown.at("/sync/state").asText()).isEqualTo("FAILED");
        assertThat(whileDown.at("/image/state").asText()).isEqualTo("FAILED");
        assertThat(metrics()).contains("offsite_failures_total{operation=\"pass\",pipeline=\"sync\"} 1.0")
                .contains("offsite_failures_total{operation=\"pass\",pipeline=\"image\"} 1.0");
        receiver.await(requests + 4, 30, TimeUnit.SECONDS); // two hooks, two pings
        assertThat(hooksFrom(requests)).contains("sync FAILED", "image FAILED");
        assertThat(pingsFrom(requests)).contains("/ping/fail");
        assertThat(receiver.requests().stream().skip(requests).map(HttpReceiver.Request::path)).contains("/image-ping/fail");

        // a night that fails before planning: the backup disk is not mounted
        s3.start();
        Path set = app.source;
        Path away = Files.move(set, dir.resolve("unmounted"));
        Instant unmounted = Instant.now();
        Night refused = Night.after(reports, unmounted);
        assertThat(refused.sync().status()).isEqualTo(RunStatus.FAILED);
        assertThat(refused.sync().reason()).startsWith("refused: offsite.sync.source: ").contains("does not exist");
        assertThat(refused.image().status()).as(refused.image().text()).isNotEqualTo(RunStatus.FAILED);
        assertThat(app.bucketFiles("sets/")).as("nothing of the set touched").hasSize(2);

        // a good night again, which sees a file written just before it, and one written again as it was (hashed to tell)
        Files.move(away, set);
        app.write("Members/AA000002.rdb", MB, 3);
        app.write("Set A.rbc", 2000, 2);
        requests = receiver.requests().size();
        Instant back = Instant.now();
        Night again = Night.after(reports, back);
        assertThat(again.sync().status()).as(again.sync().text()).isEqualTo(RunStatus.OK);
        assertThat(again.sync().uploaded().files()).isEqualTo(1);
        assertThat(again.sync().bytesHashed()).as(again.sync().text()).isEqualTo(2000);
        assertThat(again.image().status()).isNotEqualTo(RunStatus.FAILED);
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        assertThat(status().at("/sync/state").asText()).isIn("OK", "RUNNING");
        receiver.await(requests + 2, 30, TimeUnit.SECONDS);
        assertThat(hooksFrom(requests)).contains("sync OK");
        assertThat(pingsFrom(requests)).contains("/ping");
        assertThat(app.pendingUploads()).isZero();

        // a night with nothing new hashes nothing: the process's count of the nights before is not this night's
        Night quiet = Night.after(reports, again.sync().finished());
        assertThat(quiet.sync().status()).as(quiet.sync().text()).isEqualTo(RunStatus.OK);
        assertThat(quiet.sync().bytesHashed()).as(quiet.sync().text()).isZero();
    }
}
