package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import offsite.report.ImageReport;
import offsite.report.RunStatus;
import offsite.testing.HttpReceiver;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * run's restore test (offsite.image.verify-cron): on its schedule the process checks this host's image backups from one
 * listing and rebuilds the newest as a restore would, every SHA-256 checked, and reports as the mirror does. A complete
 * image and a diff made by the real `image` command into in-process S3Proxy; then the complete image replaced by other
 * bytes of its size, which the hourly backups' listing cannot see.
 */
class WeeklyRestoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    OffsiteHarness app;
    HttpReceiver receiver;
    Main running;
    String full;
    String newest;

    @BeforeEach
    void backups() throws Exception {
        app = new OffsiteHarness(dir);
        receiver = new HttpReceiver();
        TwoBackups made = TwoBackups.made(app, dir);
        full = made.full();
        newest = made.newest();
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
    void run_rebuilds_the_newest_backup_on_schedule_keeps_the_report_and_sends_a_failure() throws Exception {
        app.set("offsite.image.verify-cron", "0/2 * * * * ?")
                .set("offsite.notify.webhook.url", receiver.url("/hook"))
                .set("offsite.notify.image-heartbeat-url", receiver.url("/ping"))
                .set("offsite.notify.when", "problems");
        Set<String> stored = app.bucketFiles("images/").keySet();
        running = app.startRunning();
        Path latest = app.data.resolve("reports/verify-image-latest.json");

        for (int i = 0; i < 600 && !Files.exists(latest); i++) {
            Thread.sleep(100);
        }
        JsonNode ok = JSON.readTree(latest.toFile());
        assertThat(ok.get("status").asText()).as(ok.toString()).isEqualTo("OK");
        assertThat(ok.get("verdict").asText()).startsWith("OK: 2 backup(s) of host ").contains("; rebuilt and checked: " + newest);
        assertThat(ok.get("lines").toString()).contains("rebuilt  " + newest + "  image of ");
        try (Stream<Path> left = Files.list(app.data.resolve("image/restore-work"))) {
            assertThat(left).as("the rebuilt image's room given back").isEmpty();
        }
        assertThat(receiver.requests()).as("an OK test is no problem, and no heartbeat: those stand for the backups").isEmpty();

        long size = app.client.headObject(b -> b.bucket(app.s3.bucket()).key(full)).contentLength();
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(full), RequestBody.fromBytes(new byte[(int) size]));

        receiver.await(1, 1, TimeUnit.MINUTES);
        List<JsonNode> hooks = receiver.json("/hook");
        assertThat(hooks).isNotEmpty();
        JsonNode failed = hooks.get(0);
        assertThat(failed.get("pipeline").asText()).isEqualTo("verify-image");
        assertThat(failed.get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.get("headline").asText()).startsWith("FAILED: 1 of 2 backup(s) of host ")
                .contains(" could not be restored: " + newest + " (" + full + " is damaged: its SHA-256 is ")
                .contains("What to do: nothing for " + full + ": this machine's next backup is a complete image, no diff on it");
        assertThat(failed.get("text").asText()).contains("ok       ").contains("BROKEN   " + newest);
        assertThat(receiver.requests()).noneMatch(r -> r.path().startsWith("/ping"));
        JsonNode shown = JSON.readTree(app.get("/api/status", null).body()).get("image").get("restoreTest");
        assertThat(shown.get("status").asText()).isEqualTo("FAILED");
        assertThat(app.get("/", null).body()).contains("<p class=\"failing\" id=\"image-restore-test\">restore test "
                + shown.get("finished").asText() + ": FAILED: 1 of 2 backup(s) of host ");
        assertThat(app.bucketFiles("images/").keySet()).as("a test adds nothing to the bucket, nor removes").isEqualTo(stored);

        running.getCamelContext().getRouteController().stopRoute("image-verify"); // its test ended: none beside the backup below
        ImageReport next = running.getCamelContext().createProducerTemplate().requestBody("direct:image", ImageRequest.scheduled(),
                ImageReport.class);

        assertThat(next.type()).as("no diff on a complete image found damaged: " + next.text()).isEqualTo("full");
        assertThat(next.status()).isEqualTo(RunStatus.WARN);
        assertThat(next.reason()).contains("complete image " + full.split("/")[1] + " cannot be the base of a diff: a restore test found it"
                + " damaged at ");
        OffsiteHarness.CommandResult check = app.command("verify-image", "--deep");
        assertThat(check.out()).contains("; rebuilt and checked: " + next.id()).doesNotContain("BROKEN   " + next.id());

        assertThat(app.data.resolve("image/damaged.json")).as("kept while the damaged image is there").exists();
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key(full)); // deleted by hand, or by retention
        running.getCamelContext().createProducerTemplate().requestBody("direct:image", ImageRequest.scheduled(), ImageReport.class);
        assertThat(app.data.resolve("image/damaged.json")).as("nothing left to guard against").doesNotExist();
    }

    @Test
    void a_data_disk_without_room_for_the_image_is_a_warning_not_a_broken_backup() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("small-data"), 1)) {
            disk.leaveFree(64 << 10); // the rebuilt tar alone is over 200 KB
            app.set("offsite.data.dir", dir.resolve("small-data").toString()).set("offsite.image.verify-cron", "0/2 * * * * ?")
                    .set("offsite.notify.webhook.url", receiver.url("/hook")).set("offsite.notify.when", "problems");
            running = app.startRunning();

            receiver.await(1, 1, TimeUnit.MINUTES);
            running.stop();
            running = null;

            JsonNode warned = receiver.json("/hook").get(0);
            assertThat(warned.get("status").asText()).isEqualTo("WARN");
            assertThat(warned.get("headline").asText()).startsWith("WARN: 2 backup(s) of host ").contains("; not rebuilt, for want of"
                    + " room here: " + newest + " (the disk is full: cannot write ").contains("What to do: give the data directory's disk room");
            assertThat(warned.get("text").asText()).contains("unsure   " + newest);
            try (Stream<Path> left = Files.list(dir.resolve("small-data/image/restore-work"))) {
                assertThat(left).as("the room given back").isEmpty();
            }
        }
    }

    /** Where the restore test runs: images on, a cron set, and the long-running process; a command has no schedules. */
    record Where(String roots, String cron, boolean started) {
    }

    static Stream<Where> schedules() {
        return Stream.of(new Where("ROOTS", "0 30 12 ? * SUN", true), new Where("ROOTS", "", false), new Where("", "0 30 12 ? * SUN", false));
    }

    @ParameterizedTest(name = "roots {0}, cron ''{1}''")
    @MethodSource("schedules")
    void the_restore_test_is_scheduled_in_run_only_with_images_on_and_a_cron(Where where) throws Exception {
        Path roots = dir.resolve("machine");
        app.set("offsite.image.roots", where.roots().replace("ROOTS", roots.toString())).set("offsite.image.verify-cron", where.cron());
        running = app.startRunning();

        ServiceStatus status = running.getCamelContext().getRouteController().getRouteStatus("image-verify");

        assertThat(status.isStarted()).as(status.name()).isEqualTo(where.started());
    }
}
