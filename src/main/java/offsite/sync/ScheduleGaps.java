package offsite.sync;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * Days on which a cron schedule would not fire at all because its times fall in the hour the clocks skip at a
 * DST change (Quartz skips a time that does not exist: a window at 02:30 in Europe/Berlin has no night on the
 * last Sunday of March). Hourly schedules only lose the missing hour, which is no day lost.
 */
public final class ScheduleGaps {

    private ScheduleGaps() {
    }

    /** Days between from and from + horizon, in zone, with no firing where the same schedule without DST would fire. */
    public static List<LocalDate> daysWithoutRun(String cron, ZoneId zone, Instant from, Duration horizon) throws ParseException {
        List<LocalDate> lost = new ArrayList<>();
        Instant end = from.plus(horizon);
        ZoneOffsetTransition t = zone.getRules().nextTransition(from);
        while (t != null && t.getInstant().isBefore(end)) {
            if (t.isGap()) {
                LocalDate day = t.getDateTimeBefore().toLocalDate();
                if (fires(cron, TimeZone.getTimeZone(zone), day, zone) == 0
                        && fires(cron, TimeZone.getTimeZone(t.getOffsetBefore()), day, t.getOffsetBefore()) > 0) {
                    lost.add(day);
                }
            }
            t = zone.getRules().nextTransition(t.getInstant());
        }
        return lost;
    }

    /** How many times the schedule fires on that local day, read in that zone. */
    private static int fires(String cron, TimeZone tz, LocalDate day, ZoneId zone) throws ParseException {
        CronExpression expression = new CronExpression(cron);
        expression.setTimeZone(tz);
        Instant start = day.atStartOfDay(zone).toInstant();
        Instant stop = day.plusDays(1).atStartOfDay(zone).toInstant();
        int count = 0;
        Date next = expression.getNextValidTimeAfter(Date.from(start.minusSeconds(1)));
        while (next != null && next.toInstant().isBefore(stop) && count < 100_000) {
            count++;
            next = expression.getNextValidTimeAfter(next);
        }
        return count;
    }
}
