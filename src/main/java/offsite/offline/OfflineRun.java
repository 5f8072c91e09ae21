package offsite.offline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import offsite.files.LockFile;
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
    private final Path lock;

    /** lock: a file under the data directory held while a copy runs, so that run's schedule and the command never overlap. */
    public OfflineRun(OfflineCopy copy, ReportStore reports, String cron, Clock clock, Path lock) {
        this.lock = lock;
        this.copy = copy;
        this.reports = reports;
        this.cron = cron;
        this.clock = clock;
    }

    /** body: an OfflineRequest (the command's), or anything else for the schedule's copy; the request gets the report too. */
    public OfflineReport run(Object body) {
        OfflineRequest request = body instanceof OfflineRequest asked ? asked : OfflineRequest.scheduled();
        Instant started = clock.instant();
        OfflineCopy.Result result;
        // each copy starts by removing unfinished DAY.partial folders, and two on one day share that name
        try (LockFile held = LockFile.tryTake(lock)) {
            result = held != null ? copy.copy() : OfflineCopy.Result.refused("another offline copy is under way (run's schedule or"
                    + " `bin/offsite offline`: " + lock + " is held): this one copied nothing", null);
        } catch (IOException e) {
            result = OfflineCopy.Result.failed("cannot take the offline copy's lock " + lock + ": " + e.getMessage());
        }
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
        request.finished().complete(report);
        return report;
    }
}
