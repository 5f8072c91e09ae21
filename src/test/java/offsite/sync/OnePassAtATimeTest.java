package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnePassAtATimeTest {

    @TempDir
    Path dir;

    @Test
    void a_second_trigger_during_a_pass_is_skipped_and_leaves_the_running_pass_alone() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("big.rdb", 8 << 20, 1);
            Main main = app.set("offsite.sync.bandwidth", "4MB").set("offsite.sync.streams", "1").startRunning();
            try {
                var template = main.getCamelContext().createProducerTemplate();
                CompletableFuture<SyncReport> first = CompletableFuture.supplyAsync(() -> template.requestBody("direct:sync", (Object) null, SyncReport.class));
                Thread.sleep(700);
                SyncReport second = template.requestBody("direct:sync", (Object) null, SyncReport.class);

                assertThat(second.status()).isEqualTo(RunStatus.WARN);
                assertThat(second.reason()).startsWith("skipped: a sync pass is already running");
                SyncReport done = first.get();
                assertThat(done.status()).as(done.headline()).isEqualTo(RunStatus.OK);
                assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
                // the next night in the same process runs normally
                SyncReport next = template.requestBody("direct:sync", (Object) null, SyncReport.class);
                assertThat(next.status()).as(next.headline()).isEqualTo(RunStatus.OK);
                assertThat(next.reason()).isEqualTo("mirror up to date, nothing to send");
            } finally {
                main.stop();
            }
        }
    }
}
