package offsite.offline;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import offsite.report.OfflineReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One offline copy (scheduled, or the offline command's) made a report: saved with the other pipelines' (ReportStore),
 * logged at INFO when a snapshot was kept, WARN when the copy was refused and ERROR when it failed under way, and handed on
 * to the notifications.
 */
public final class OfflineRun {

    private static final Logger LOG = LoggerFactory.getLogger("offsite.offline");

    private final OfflineCopy copy;
    private final ReportStore reports;
    private final String cron;
    private final Clock clock;

    public OfflineRun(OfflineCopy copy, ReportStore reports, String cron, Clock clock) {
        this.copy = copy;
        this.reports = reports;
        this.cron = cron;
        this.clock = clock;
    }

    public OfflineReport run() {
        Instant started = clock.instant();
        OfflineCopy.Result result = copy.copy();
        OfflineReport report = new OfflineReport(result.status(), result.message(), copy.destination().toString(),
                result.status() == RunStatus.OK && result.snapshot() != null ? result.snapshot().toString() : null, started,
                clock.instant(), result.files(), result.bytes(), result.removed());
        try {
            reports.save(report);
        } catch (IOException e) {
            LOG.error("cannot write the offline copy's report in {}: {}", reports.dir(), e.getMessage());
        }
        String next = "; no snapshot this time: fix it, then run `bin/offsite offline` or wait for the next copy"
                + " (offsite.offline.cron '" + cron + "')";
        // the destination named once: most refusals and failures name it themselves
        String to = report.headline().contains(report.destination()) ? "" : " to " + report.destination();
        switch (report.status()) {
            case OK -> LOG.info("offline copy: {}", report.reason());
            case WARN -> LOG.warn("offline copy{}: {}{}", to, report.headline(), next);
            case FAILED -> LOG.error("offline copy{}: {}{}", to, report.headline(), next);
        }
        return report;
    }
}
