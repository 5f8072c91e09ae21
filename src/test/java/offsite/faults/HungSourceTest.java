package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import offsite.image.ImageRequest;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.sync.SyncRequest;
import offsite.testing.HangingMount;
import offsite.testing.HttpReceiver;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup set on a share that stops answering mid-night (a NAS, a hard NFS mount): a real FUSE mount (bindfs) whose
 * daemon gets SIGSTOP, so the pass's first look at the set waits for good. The pass cannot be stopped, but it is told,
 * once, by mail and webhook (and no heartbeat, which stands for passes that ended); when the share answers again the
 * pass goes on and reports as ever; the same for an image root there. Skipped where FUSE or bindfs is missing (.ci/run
 * installs bindfs).
 */
class HungSourceTest {

    @TempDir
    Path dir;

    HangingMount nas;
    OffsiteHarness app;
    HttpReceiver receiver;
    LogLines log;
    Main running;

    @BeforeEach
    void start() throws Exception {
        nas = HangingMount.of(dir.resolve("nas-disk"), dir.resolve("nas"), dir.resolve("bindfs.log"));
        Path members = Files.createDirectories(dir.resolve("nas-disk/set/Members"));
        for (int i = 1; i <= 2; i++) {
            byte[] chunk = new byte[1_000_000];
            new Random(i).nextBytes(chunk);
            Path file = Files.write(members.resolve("AA00000" + i + ".rdb"), chunk);
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600))); // written an hour ago: stable
        }
        log = new LogLines();
        receiver = new HttpReceiver();
        app = new OffsiteHarness(dir);
        app.set("offsite.sync.source", nas.point().resolve("set").toString())
                .set("offsite.stalled-after", "2s")
                .set("offsite.notify.webhook.url", receiver.url("/hook"))
                .set("offsite.notify.heartbeat-url", receiver.url("/ping"))
                .set("offsite.notify.when", "problems");
    }

    @AfterEach
    void stop() throws Exception {
        if (nas != null) {
            nas.answer(); // a stopped daemon would hold the pass, and the stop
        }
        if (running != null) {
            running.stop();
        }
        if (app != null) {
            app.close();
            receiver.close();
            log.close();
        }
        if (nas != null) {
            nas.close();
        }
    }

    @Test
    void a_pass_held_by_a_share_that_stopped_answering_is_a_warning_once_and_mirrors_when_it_answers_again() throws Exception {
        running = app.startRunning();
        nas.hang();
        ExecutorService passes = Executors.newSingleThreadExecutor();
        try {
            Future<SyncReport> pass = passes.submit(() -> running.getCamelContext().createProducerTemplate()
                    .requestBody("direct:sync", SyncRequest.atStart(), SyncReport.class));

            for (int i = 0; i < 600 && hooks().isEmpty(); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(3_000); // more looks at the pass, still held
            List<JsonNode> stalled = hooks();
            assertThat(pass.isDone()).as("the pass waits for the share").isFalse();
            assertThat(stalled).as("said once per pass").hasSize(1);
            assertThat(stalled.get(0).get("pipeline").asText()).isEqualTo("sync");
            assertThat(stalled.get(0).get("status").asText()).isEqualTo("WARN");
            assertThat(stalled.get(0).get("headline").asText()).startsWith("WARN: the mirror pass under way since ")
                    .contains(" has made no progress for ").contains("(offsite.stalled-after 2s), while planning");
            assertThat(log.lines()).filteredOn(l -> l.startsWith("WARN the mirror pass under way since ")).hasSize(1);
            assertThat(receiver.requests()).as("a heartbeat stands for passes that ended").noneMatch(r -> r.path().startsWith("/ping"));

            nas.answer();
            SyncReport report = pass.get(60, TimeUnit.SECONDS);

            assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
            assertThat(app.bucketFiles("sets/")).containsKeys("Members/AA000001.rdb", "Members/AA000002.rdb");
            assertThat(hooks()).as("an OK pass is not a problem: no second POST").hasSize(1);
        } finally {
            passes.shutdownNow();
        }
    }

    @Test
    void the_sync_command_held_by_a_share_that_stopped_answering_says_so_once_and_mirrors_when_it_answers_again() throws Exception {
        nas.hang();
        ExecutorService commands = Executors.newSingleThreadExecutor();
        try {
            Future<OffsiteHarness.CommandResult> sync = commands.submit(() -> app.command("sync"));

            for (int i = 0; i < 600 && hooks().isEmpty(); i++) {
                Thread.sleep(100);
            }
            assertThat(sync.isDone()).as("the command waits for the share").isFalse();
            assertThat(hooks()).hasSize(1);
            assertThat(hooks().get(0).get("headline").asText()).startsWith("WARN: the mirror pass under way since ")
                    .contains("(offsite.stalled-after 2s), while planning");

            nas.answer();
            OffsiteHarness.CommandResult done = sync.get(60, TimeUnit.SECONDS);

            assertThat(done.exit()).as(done.out()).isZero();
            assertThat(app.bucketFiles("sets/")).containsKeys("Members/AA000001.rdb", "Members/AA000002.rdb");
            assertThat(hooks()).hasSize(1);
        } finally {
            commands.shutdownNow();
        }
    }

    @Test
    void an_image_backup_held_by_a_root_on_a_share_that_stopped_answering_is_a_warning_once() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("nas-disk/machine/etc")).resolve("hostname"), "nas1\n");
        app.set("offsite.image.roots", nas.point().resolve("machine").toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
        running = app.startRunning();
        nas.hang();
        ImageRequest request = ImageRequest.command(false);
        ExecutorService backups = Executors.newSingleThreadExecutor();
        try {
            Future<?> backup = backups.submit(() -> running.getCamelContext().createProducerTemplate().sendBody("direct:image", request));

            for (int i = 0; i < 600 && hooks().isEmpty(); i++) {
                Thread.sleep(100);
            }
            Thread.sleep(3_000);
            List<JsonNode> stalled = hooks();
            assertThat(backup.isDone()).as("the backup waits for the share").isFalse();
            assertThat(stalled).as("said once per backup").hasSize(1);
            assertThat(stalled.get(0).get("pipeline").asText()).isEqualTo("image");
            assertThat(stalled.get(0).get("headline").asText()).startsWith("WARN: the image backup under way since ")
                    .contains(" has made no progress for ").contains("(offsite.stalled-after 2s), while ");

            nas.answer();
            backup.get(60, TimeUnit.SECONDS);

            assertThat(request.pass().report().status()).as(request.pass().report().headline()).isNotEqualTo(RunStatus.FAILED);
        } finally {
            backups.shutdownNow();
        }
    }

    @Test
    void run_starts_while_the_share_of_the_set_and_an_image_root_hangs_and_its_health_says_so() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("nas-disk/machine/etc")).resolve("hostname"), "nas1\n");
        Path root = nas.point().resolve("machine");
        app.set("offsite.image.roots", root.toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
        nas.hang();
        ExecutorService starts = Executors.newSingleThreadExecutor();
        try {
            Future<Main> start = starts.submit(() -> app.startRunning());
            running = start.get(60, TimeUnit.SECONDS); // was: held for good by the start's looks at the set and the root

            assertThat(log.lines()).contains("WARN offsite.image.roots: " + root + " did not answer within 5 s (a share that hung?): not"
                    + " looked at now; each image backup reads it, and one held longer than offsite.stalled-after is said");
            int status = 0;
            for (int i = 0; i < 60 && status != 503; i++) { // probes answer at once; the look they wait for is said after 10 s
                status = app.get("/observe/health", null).statusCode();
                Thread.sleep(500);
            }
            assertThat(status).as("DOWN while the set does not answer").isEqualTo(503);
            assertThat(app.get("/observe/health", null).body()).isEqualTo("DOWN");
        } finally {
            starts.shutdownNow();
        }
    }

    private List<JsonNode> hooks() {
        return receiver.json("/hook");
    }
}
