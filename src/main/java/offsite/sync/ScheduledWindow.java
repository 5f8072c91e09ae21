package offsite.sync;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.TimeZone;
import offsite.config.CronFirings;
import offsite.config.SettingError;
import org.quartz.CronExpression;

/**
 * The nightly window a firing of offsite.sync.cron belongs to: it opens at the cron time and closes at the latest
 * time a pass begun on schedule could still start an upload (the cron time, plus offsite.sync.start-delay-max, plus
 * offsite.sync.max-duration). Quartz fires a window it missed as soon as it can (the process was suspended, its
 * container paused, or the pass before still running): such a late pass gets only what is left of its window, and
 * none once the window has closed, so the mirror stays out of the day's traffic.
 */
public record ScheduledWindow(Instant opened, Instant closes, ZoneId zone) {

    /** Quartz may fire a few milliseconds early: a firing this close before a cron time belongs to that time. */
    static final Duration EARLY_FIRING = Duration.ofSeconds(5);

    /** A start later than the random start delay allows by more than this is named in the report. */
    static final Duration NAMED_LATENESS = Duration.ofMinutes(1);

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z");

    /** The window of the latest cron time at or before now; null when the schedule has none (a cron of years past). */
    public static ScheduledWindow at(String cron, ZoneId zone, Instant now, Duration startDelayMax, Duration maxDuration) {
        CronExpression expression;
        try {
            expression = new CronExpression(cron);
        } catch (ParseException e) {
            throw new SettingError("offsite.sync.cron", cron, "a Quartz cron expression (" + e.getMessage() + ")");
        }
        expression.setTimeZone(TimeZone.getTimeZone(zone));
        Instant opened = CronFirings.latest(expression, now.plus(EARLY_FIRING));
        if (opened == null) {
            return null;
        }
        return new ScheduledWindow(opened, opened.plus(startDelayMax).plus(maxDuration), zone);
    }

    /** How long a pass starting now may start uploads: at most maxDuration, never past the window's close (zero after it). */
    public Duration left(Instant now, Duration maxDuration) {
        Duration left = Duration.between(now, closes);
        return left.isNegative() ? Duration.ZERO : left.compareTo(maxDuration) < 0 ? left : maxDuration;
    }

    /** How much later than the latest on-time start (the cron time plus the longest start delay) now is. */
    public Duration lateness(Instant now, Duration startDelayMax) {
        Duration late = Duration.between(opened.plus(startDelayMax), now);
        return late.isNegative() ? Duration.ZERO : late;
    }

    /** Whether a start now is late enough to be named: past the longest start delay by more than a minute. */
    public boolean late(Instant now, Duration startDelayMax) {
        return lateness(now, startDelayMax).compareTo(NAMED_LATENESS) > 0;
    }

    /** The reason a pass starting now is not run: its window closed while the process could not start it. */
    public String passed(Instant now) {
        return "the window of " + time(opened) + " (offsite.sync.cron) closed at " + time(closes) + " before its pass could begin: the"
                + " process was suspended, its container paused, or the pass before still going, until " + time(now)
                + "; nothing sent, the next window mirrors whatever is still to send";
    }

    /** The note of a pass that starts late but inside its window. */
    public String startedLate(Instant now, Duration startDelayMax) {
        return "started " + readable(lateness(now, startDelayMax)) + " late, at " + time(now) + ": the process was suspended, its"
                + " container paused, or the pass before still going when the window of " + time(opened) + " (offsite.sync.cron)"
                + " opened; it still closes at " + time(closes);
    }

    /** 2 h 05 min, 12 min, 40 s. */
    static String readable(Duration d) {
        return d.toHours() > 0 ? d.toHours() + " h " + String.format("%02d", d.toMinutesPart()) + " min"
                : d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    private String time(Instant instant) {
        return TIME.withZone(zone).format(instant);
    }
}
