package offsite.notify;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import offsite.report.RunStatus;
import org.quartz.CronExpression;

/**
 * A scheduled mirror window that has no report: the last one before the process started (and how many windows in all
 * since the last report), and whether the process was running then (it stopped during the pass) or not (it was down).
 */
public record MissedWindow(Instant window, int windows, Instant lastReport, boolean processWasRunning, String cron, ZoneId zone) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    /** The most windows counted: a schedule every second over a long outage must not loop for long. */
    static final int MOST_COUNTED = 10_000;

    /**
     * The missed window, if the cron fired after the last report began and before now. lastReport null (no pass ever)
     * misses nothing: a fresh install has no windows to account for. lastAlive is when the previous process was last known
     * to run (null: unknown, taken as not running).
     */
    public static Optional<MissedWindow> find(String cron, ZoneId zone, Instant now, Instant lastReport, Instant lastAlive)
            throws ParseException {
        if (lastReport == null) {
            return Optional.empty();
        }
        CronExpression expression = new CronExpression(cron);
        expression.setTimeZone(TimeZone.getTimeZone(zone));
        Date next = expression.getTimeAfter(Date.from(lastReport));
        Instant last = null;
        int count = 0;
        while (next != null && next.toInstant().isBefore(now) && count < MOST_COUNTED) {
            last = next.toInstant();
            count++;
            next = expression.getTimeAfter(next);
        }
        if (last == null) {
            return Optional.empty();
        }
        return Optional.of(new MissedWindow(last, count, lastReport, lastAlive != null && !lastAlive.isBefore(last), cron, zone));
    }

    public RunStatus status() {
        return RunStatus.WARN;
    }

    public String headline() {
        String when = TIME.withZone(zone).format(window);
        return "WARN: " + (processWasRunning ? "the mirror pass of " + when + " left no report: Offsite stopped before it finished"
                : "the mirror window of " + when + " passed while Offsite was not running");
    }

    public String text() {
        return headline() + "\n"
                + "  windows without a report: " + windows + (windows >= MOST_COUNTED ? " or more" : "") + " (offsite.sync.cron '" + cron
                + "')\n"
                + "  last report: a pass begun " + TIME.withZone(zone).format(lastReport) + "\n"
                + "  Offsite is running again; the next window mirrors whatever is still to send\n";
    }
}
