package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.HttpReceiver;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run's restore test of the set (offsite.sync.verify-cron): on its schedule a dry pass plans, and files the bucket holds
 * as they are here are downloaded and hashed against their ETags, and hashed here. A set mirrored into in-process
 * S3Proxy; then one object's bytes rotten in S3Proxy's store, its ETag kept, as a disk at the service would rot them:
 * nightly passes go by the ETag and never see it, but the next one after the test sends the file again.
 */
class WeeklySetRestoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    OffsiteHarness app;
    HttpReceiver receiver;
    Main running;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        receiver = new HttpReceiver();
        app.write("Members/AA000001.rdb", 3 << 20, 1);
        app.write("Set A.rbc", 5000, 2);
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        app.set("offsite.sync.verify-cron", "0/2 * * * * ?").set("offsite.sync.verify-files", "2")
                .set("offsite.notify.webhook.url", receiver.url("/hook"))
                .set("offsite.notify.heartbeat-url", receiver.url("/ping"))
                .set("offsite.notify.when", "problems");
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        app.close();
        receiver.close();
    }

    @Test
    void run_downloads_files_of_the_set_on_schedule_and_sends_a_failure_when_an_objects_bytes_rotted() throws Exception {
        Set<String> stored = app.bucketFiles("sets/").keySet();
        running = app.startRunning();
        Path latest = app.data.resolve("reports/verify-latest.json");

        for (int i = 0; i < 600 && !Files.exists(latest); i++) {
            Thread.sleep(100);
        }
        JsonNode ok = JSON.readTree(latest.toFile());
        assertThat(ok.get("status").asText()).as(ok.toString()).isEqualTo("OK");
        assertThat(ok.get("verdict").asText()).isEqualTo("OK: 2 of 2 file(s) of the set taken at random downloaded and checked: their"
                + " bytes, and the local files', as their ETags say");
        assertThat(ok.get("lines").toString()).contains("ok       sets/Members/AA000001.rdb  3.0 MiB downloaded, ");
        assertThat(receiver.requests()).as("an OK test is no problem, and no heartbeat: that stands for passes").isEmpty();

        TestS3.rot(app.s3, "sets/Members/AA000001.rdb", 1 << 20);

        receiver.await(1, 1, TimeUnit.MINUTES);
        List<JsonNode> hooks = receiver.json("/hook");
        assertThat(hooks).isNotEmpty();
        JsonNode failed = hooks.get(0);
        assertThat(failed.get("pipeline").asText()).isEqualTo("verify");
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("headline").asText()).startsWith("FAILED: 1 of 2 file(s) of the set taken at random would not restore as"
                + " they are here: sets/Members/AA000001.rdb (downloaded bytes hash to ")
                .contains(". The next pass sends again the file of each object found damaged (sets/Members/AA000001.rdb), the damaged copy kept"
                        + " in the trash first; ");
        assertThat(failed.get("text").asText()).contains("ok       sets/Set A.rbc");
        assertThat(receiver.requests()).noneMatch(r -> r.path().startsWith("/ping"));
        JsonNode shown = JSON.readTree(app.get("/api/status", null).body()).get("sync").get("restoreTest");
        assertThat(shown.get("status").asText()).isEqualTo("FAILED");
        assertThat(app.get("/", null).body()).contains("<p class=\"failing\" id=\"sync-restore-test\">restore test "
                + shown.get("finished").asText() + ": FAILED: 1 of 2 file(s) of the set");
        assertThat(app.command("status").out()).containsPattern("(?m)^       restore test \\S+: FAILED: 1 of 2 file\\(s\\) of the set ");
        assertThat(app.bucketFiles("sets/").keySet()).as("a test adds nothing to the bucket, nor removes").isEqualTo(stored);

        running.getCamelContext().getRouteController().stopRoute("sync-verify"); // its test ended: none beside the pass below
        SyncReport next = running.getCamelContext().createProducerTemplate().requestBody("direct:sync",
                SyncRequest.command(false, false, false), SyncReport.class);

        assertThat(next.status()).as(next.headline()).isEqualTo(RunStatus.OK);
        assertThat(next.notes()).anySatisfy(n -> assertThat(n).startsWith("sets/Members/AA000001.rdb: its object was found damaged at "));
        assertThat(app.bucketFiles("sets/")).as("the damaged object sent again from the file").isEqualTo(app.sourceFiles());
        assertThat(app.bucketFiles("trash/").keySet()).as("the damaged copy kept in the trash first")
                .anySatisfy(k -> assertThat(k).endsWith("/sets/Members/AA000001.rdb"));
        assertThat(app.data.resolve("damaged-objects.json")).as("sent again: forgotten").doesNotExist();
    }

    @Test
    void a_test_while_the_backup_application_is_at_work_is_put_off_with_a_warning() throws Exception {
        Path marker = Files.writeString(dir.resolve("grooming.lock"), "groom");
        app.set("offsite.sync.maintenance-marker", marker.toString());
        running = app.startRunning();

        receiver.await(1, 1, TimeUnit.MINUTES);
        JsonNode warned = receiver.json("/hook").get(0);

        assertThat(warned.get("pipeline").asText()).isEqualTo("verify");
        assertThat(warned.get("status").asText()).isEqualTo("WARN");
        assertThat(warned.get("headline").asText()).startsWith("WARN: not tested: skipped, the backup application looks busy: ")
                .contains(marker.toString());
    }
}
