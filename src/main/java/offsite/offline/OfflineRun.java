package offsite.offline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import offsite.files.LockFile;
import offsite.report.OfflineReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.sync.RunUnderWay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One offline copy (scheduled, or the offline command's) made a report: saved with the other pipelines' (ReportStore),
 * logged at INFO when a snapshot was kept, WARN when the copy was refused and ERROR when it failed under way, and handed on
 * to the notifications. A try again of the schedule's copy that ends as the one before it (the set still in use) is saved
 * and shown, logged at INFO and not sent: the period's WARN went out once. So is a copy that finds this process's own copy
 * under way (the cron firing during a try again of the period before): that copy's report is the news. A copy under way
 * that has not moved for offsite.stalled-after (a drive that stopped answering holds its thread) is said by the stall
 * watch, as a mirror pass or image backup is.
 */
public final class OfflineRun {

    private static final Logger LOG = LoggerFactory.getLogger("offsite.offline");

    private final OfflineCopy copy;
    private final ReportStore reports;
    private final String cron;
    private final Duration retryEvery;
    private final Clock clock;
    private final Path lock;
    private final Duration stalledAfter;
    /** A copy of this process under way: a second one here must not open the lock file (closing it would free the lock). */
    private final AtomicBoolean copying = new AtomicBoolean();
    private volatile Instant copyStarted;

    /**
     * lock: a file under the data directory held while a copy runs, so that run's schedule and the command never overlap;
     * retryEvery: offsite.offline.retry-every, for the report's words on what comes next (zero: no try again);
     * stalledAfter: offsite.stalled-after (zero: never said).
     */
    public OfflineRun(OfflineCopy copy, ReportStore reports, String cron, Duration retryEvery, Duration stalledAfter, Clock clock,
            Path lock) {
        this.lock = lock;
        this.stalledAfter = stalledAfter;
        this.copy = copy;
        this.reports = reports;
        this.cron = cron;
        this.retryEvery = retryEvery;
        this.clock = clock;
    }

    /** Whether this process runs a copy now. */
    public boolean copying() {
        return copying.get();
    }

    /** This process's copy under way, for the status page: since when, what it does, and how long it has not moved. */
    public record UnderWay(Instant started, String doing, Duration still, boolean stalled) {

        /** The status page's line: "since T: copying NAME, file 3 of 40", and the stall when there is one. */
        public String text() {
            return "since " + started.truncatedTo(ChronoUnit.SECONDS) + ": " + doing + (stalled ? "; no progress for "
                    + (still.toMinutes() > 0 ? still.toMinutes() + " min" : still.toSeconds() + " s")
                    + ": the drive may have stopped answering" : "");
        }
    }

    /** This process's copy under way; null when there is none. */
    public UnderWay underWay() {
        Instant started = copyStarted;
        if (!copying.get() || started == null) {
            return null;
        }
        CopyWatch watch = copy.watch();
        Duration still = watch.still();
        return new UnderWay(started, watch.doing(), still, !stalledAfter.isZero() && still.compareTo(stalledAfter) >= 0);
    }

    /** This process's copy under way, for the stall watch (each MiB and step moves it); null when there is none. */
    public RunUnderWay runUnderWay() {
        Instant started = copyStarted;
        CopyWatch watch = copy.watch();
        return !copying.get() || started == null ? null : new RunUnderWay(watch, started, watch.moves(), watch.doing());
    }

    /** body: an OfflineRequest (the command's), or anything else for the schedule's copy; the request gets the report too. */
    public OfflineReport run(Object body) {
        OfflineRequest request = body instanceof OfflineRequest asked ? asked : OfflineRequest.scheduled();
        OfflineReport before = request.retried() ? reports.offline().report() : null; // read before this one replaces it
        Instant started = clock.instant();
        OfflineCopy.Result result;
        // each copy starts by removing unfinished DAY.partial folders, and two on one day share that name
        String underWay = "another offline copy is under way (run's schedule or `bin/offsite offline`: " + lock + " is held): this"
                + " one copied nothing";
        boolean ownUnderWay = !copying.compareAndSet(false, true); // the schedule's copy and its try again, in this process
        if (ownUnderWay) {
            result = OfflineCopy.Result.busy(underWay);
        } else {
            copyStarted = started;
            try (LockFile held = LockFile.tryTake(lock)) {
                result = held != null ? copy.copy() : OfflineCopy.Result.busy(underWay);
            } catch (IOException e) {
                result = OfflineCopy.Result.failed("cannot take the offline copy's lock " + lock + ": " + e.getMessage());
            } finally {
                copying.set(false);
            }
        }
        // news the period has or will have: a try again ending as the one before, or a copy of this process under way, which
        // reports itself when it ends (and stands for the period it ends in: RetryDue)
        boolean repeated = ownUnderWay || request.retried() && !result.ok() && before != null && before.status() == result.status();
        OfflineReport report = new OfflineReport(result.status(), result.message(), copy.destination().toString(),
                result.status() == RunStatus.OK && result.snapshot() != null ? result.snapshot().toString() : null, started,
                clock.instant(), result.files(), result.bytes(), result.removed(), result.busy(), repeated);
        try {
            reports.save(report);
        } catch (IOException e) {
            LOG.error("cannot write the offline copy's report in {}: {}", reports.dir(), e.getMessage());
        }
        String next = result.busy() && !retryEvery.isZero()
                ? "; no snapshot yet: the schedule tries again every " + retryEvery.toString().substring(2).toLowerCase(Locale.ROOT)
                        + " (offsite.offline.retry-every) until one is kept before its next copy (offsite.offline.cron '" + cron
                        + "'), or run `bin/offsite offline`"
                : "; no snapshot this time: fix it, then run `bin/offsite offline` or wait for the next copy"
                        + " (offsite.offline.cron '" + cron + "')";
        // the destination named once: most refusals and failures name it themselves
        String to = report.headline().contains(report.destination()) ? "" : " to " + report.destination();
        if (ownUnderWay) {
            LOG.info("offline copy: not started, this process's copy is under way and reports when it ends");
        } else if (repeated) { // the period's WARN or ERROR went out at the first try: each further one is a line, no alarm
            LOG.info("offline copy{}: tried again, still {}{}", to, report.headline(), next);
        } else {
            switch (report.status()) {
                case OK -> LOG.info("offline copy: {}", report.reason());
                case WARN -> LOG.warn("offline copy{}: {}{}", to, report.headline(), next);
                case FAILED -> LOG.error("offline copy{}: {}{}", to, report.headline(), next);
            }
        }
        request.finished().complete(report);
        return report;
    }
}
