package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import offsite.report.ImageReport;
import offsite.report.ReportStore;
import offsite.report.SyncReport;

/** One night of a running process: both pipelines' first reports that finished after a moment. */
record Night(SyncReport sync, ImageReport image) {

    /** Waits up to a minute for both pipelines to report after since; fails naming the latest reports if they do not. */
    static Night after(ReportStore reports, Instant since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            SyncReport sync = reports.latestSync();
            ImageReport image = reports.latestImage();
            if (sync != null && image != null && sync.finished().isAfter(since) && image.finished().isAfter(since)) {
                return new Night(sync, image);
            }
            assertThat(System.nanoTime()).as("no night after " + since + ": sync " + (sync == null ? null : sync.headline())
                    + ", image " + (image == null ? null : image.headline())).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
