package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import offsite.OffsiteApp;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.sync.PassesInFlight;
import offsite.sync.RunProgress;
import offsite.sync.SyncRequest;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The process stopped (SIGTERM: what a container's stop sends, killing it 10 s later) while a part is on its way: the
 * part is abandoned, not sent to its end, and the pass reports why it stopped.
 */
class StoppedMidUploadTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void a_shutdown_abandons_the_part_in_flight_and_the_report_says_the_process_stopped_issue_18() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("big.rdb", 12 * MB, 5);
            // one part at a time at 256 KiB/s: the first 5 MiB part would take 20 s to finish
            app.set("offsite.sync.bandwidth", "256K").set("offsite.sync.streams", "1").set("offsite.sync.part-streams", "1");
            Main main = OffsiteApp.create(app.writeConfig(dir.resolve("stopped.properties")), Map.of("offsite.mode", "sync"));
            main.start();
            PassesInFlight passes = main.getCamelContext().getRegistry().lookupByNameAndType("passesInFlight", PassesInFlight.class);
            SyncRequest request = SyncRequest.command(false, false, false);
            CompletableFuture<SyncReport> report = CompletableFuture.supplyAsync(() -> {
                main.getCamelContext().createProducerTemplate().sendBody("direct:sync", request);
                return request.pass().report();
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (sent(passes) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(sent(passes)).as("bytes of the first part on their way").isPositive();

            main.stop(); // what the shutdown hook does on SIGTERM

            SyncReport stopped = report.get(60, TimeUnit.SECONDS);
            assertThat(stopped.status()).as(stopped.headline()).isEqualTo(RunStatus.WARN);
            assertThat(stopped.headline()).contains("left for the next window: the process is shutting down");
            MultipartUpload pending = app.client.listMultipartUploads(b -> b.bucket(app.s3.bucket())).uploads().get(0);
            assertThat(app.client.listParts(b -> b.bucket(app.s3.bucket()).key(pending.key()).uploadId(pending.uploadId())).parts())
                    .as("the part in flight was abandoned, not finished").isEmpty();
            assertThat(app.bucketFiles("sets/")).as("nothing visible").isEmpty();
        }
    }

    private static long sent(PassesInFlight passes) {
        RunProgress progress = passes.progress();
        return progress == null ? 0 : progress.sent();
    }
}
