package offsite.config;

import java.time.Instant;
import java.util.Date;
import org.quartz.CronExpression;

/** When a Quartz cron fired, as its trigger fires it: the one reckoning of past firings for windows, retries and gaps. */
public final class CronFirings {

    private CronFirings() {
    }

    /**
     * The latest time at or before limit that the expression fires at, in its time zone; null when it never did. Quartz's
     * getTimeBefore disagrees with the firings on the night the clocks go back: for 02:30 in Europe/Berlin it answers the
     * first 02:30 (CEST), while the trigger, which steps with getTimeAfter, fires at the second (CET) only. So this steps
     * forward with getTimeAfter from the firing before.
     */
    public static Instant latest(CronExpression expression, Instant limit) {
        Date before = expression.getTimeBefore(Date.from(limit));
        if (before == null) {
            return null;
        }
        Date earlier = expression.getTimeBefore(before);
        Date latest = earlier == null ? before : earlier;
        for (Date next = expression.getTimeAfter(latest); next != null && !next.toInstant().isAfter(limit); next = expression.getTimeAfter(next)) {
            latest = next;
        }
        return latest.toInstant();
    }
}
