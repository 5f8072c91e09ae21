package offsite.offline;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.TimeZone;
import java.util.function.BooleanSupplier;
import offsite.config.CronFirings;
import offsite.report.ReportStore;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what RetryDue decides from (the cron's last firing, the saved reports, the clock) for the route offline-retry,
 * and makes the request of a try again. Holds nothing between two looks: a restart goes on where the reports say.
 */
public final class OfflineRetry {

    private static final Logger LOG = LoggerFactory.getLogger("offsite.offline");

    private final ReportStore reports;
    private final String cron;
    private final Duration every;
    private final Clock clock;
    private final BooleanSupplier copying;

    /**
     * cron: offsite.offline.cron, read in the clock's zone as Quartz reads it; every: offsite.offline.retry-every; copying:
     * whether this process runs a copy now (OfflineRun::copying), whose report is not saved yet: the last one would look due.
     */
    public OfflineRetry(ReportStore reports, String cron, Duration every, Clock clock, BooleanSupplier copying) {
        this.reports = reports;
        this.cron = cron;
        this.every = every;
        this.clock = clock;
        this.copying = copying;
    }

    /** Whether a copy is to be tried again now (RetryDue); why not is logged at DEBUG. */
    public boolean due() throws ParseException {
        RetryDue plan = plan();
        if (plan.due()) {
            LOG.info("offline copy: {}", plan.why());
        } else {
            LOG.debug("offline copy not tried again: {}", plan.why());
        }
        return plan.due();
    }

    /** What RetryDue decides now, logging nothing: the status page shows when the period's copy is tried again. */
    public RetryDue plan() throws ParseException {
        Instant now = clock.instant();
        return RetryDue.of(lastFiring(cron, clock, now), reports.offline().report(), reports.lastSuccessfulOffline(),
                copying.getAsBoolean(), now, every);
    }

    /** The body of a try again. */
    public OfflineRequest request() {
        return OfflineRequest.retry();
    }

    /** The cron's last firing at or before now, in the clock's zone; null when it never fired. */
    static Instant lastFiring(String cron, Clock clock, Instant now) throws ParseException {
        CronExpression expression = new CronExpression(cron);
        expression.setTimeZone(TimeZone.getTimeZone(clock.getZone()));
        return CronFirings.latest(expression, now);
    }
}
