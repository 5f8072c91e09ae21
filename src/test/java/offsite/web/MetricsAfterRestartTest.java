package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /observe/metrics of a running process started after earlier passes, against S3Proxy. */
class MetricsAfterRestartTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    Main running;

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.stop();
        }
        app.close();
    }

    @Test
    void the_last_success_survives_a_restart_after_a_failed_pass() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Set A.rbc", 5000, 1);
        SyncReport good = app.sync();
        String endpoint = app.s3.endpoint().toString();
        app.set("offsite.s3.endpoint", "http://127.0.0.1:1"); // nothing listens there: the store is down
        SyncReport failed = app.sync();
        app.set("offsite.s3.endpoint", endpoint);
        assertThat(good.status()).isEqualTo(RunStatus.OK);
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);

        running = app.startRunning();
        String metrics = app.get("/observe/metrics", null).body();

        assertThat(metrics).contains("offsite_last_success_timestamp_seconds{pipeline=\"sync\"} "
                + (double) good.finished().getEpochSecond());
    }
}
