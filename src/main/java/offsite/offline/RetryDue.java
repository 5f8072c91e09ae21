package offsite.offline;

import java.time.Duration;
import java.time.Instant;
import offsite.report.OfflineReport;

/**
 * Whether the schedule tries its period's copy again now, and why (or why not): the plan the route offline-retry applies.
 * A period runs from one firing of offsite.offline.cron to the next; its copy is tried again, every retry-every after
 * the last try ended, while the last try of the period was busy (refused or stopped by the backup application at work,
 * or another copy under way) and no copy of the period kept a snapshot. Any other outcome (no drive, no room, a drive
 * that failed) is the user's to fix, and a failing drive is not rewritten every hour: that waits for the next period or
 * `bin/offsite offline`. A copy counts for the period it ended in: one begun before the cron fired and ending after it (a
 * try again of the period before, a long copy by hand) stands for the new period's, which found it under way. Pure: the
 * inputs are read by OfflineRetry.
 */
public record RetryDue(boolean due, String why, Instant next) {

    /** A look that tries nothing now; next: when the period's copy is tried again (null: it is not). */
    static RetryDue not(String why, Instant next) {
        return new RetryDue(false, why, next);
    }

    static RetryDue not(String why) {
        return not(why, null);
    }

    /**
     * periodStart: the cron's last firing at or before now (null: it never fired); latest: the last copy's report (null:
     * none); lastSnapshot: the newest report that kept one (null: none); copying: a copy holds the lock now (its report
     * is not saved yet); every: offsite.offline.retry-every (zero: never).
     */
    public static RetryDue of(Instant periodStart, OfflineReport latest, OfflineReport lastSnapshot, boolean copying, Instant now,
            Duration every) {
        if (every.isZero()) {
            return not("offsite.offline.retry-every is 0: a refused copy waits for the next period");
        }
        if (copying) {
            return not("a copy is under way");
        }
        if (periodStart == null) {
            return not("offsite.offline.cron has not fired yet: no period to make a copy for");
        }
        if (lastSnapshot != null && !lastSnapshot.finished().isBefore(periodStart)) {
            return not("the period begun " + periodStart + " has its snapshot (" + lastSnapshot.snapshot() + ")");
        }
        if (latest == null || latest.finished().isBefore(periodStart)) {
            return not("no copy tried since the period began " + periodStart + ": the schedule's own comes first");
        }
        if (!latest.busy()) {
            return not("the last copy (" + latest.status() + ") was not stopped by the set being in use: it is"
                    + " the user's to fix");
        }
        Instant next = latest.finished().plus(every);
        if (now.isBefore(next)) {
            return not("the next try is at " + next, next);
        }
        return new RetryDue(true, "the copy of the period begun " + periodStart + " found the set in use at " + latest.finished()
                + ": trying again (offsite.offline.retry-every " + every + ")", now);
    }
}
