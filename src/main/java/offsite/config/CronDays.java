package offsite.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Days of the week given as numbers in a Quartz cron: Quartz counts them from 1 for Sunday, crontab from 1 for Monday,
 * so "0 30 23 ? * 1-6", crontab's Monday to Saturday with its seconds added, runs Sunday to Friday, and is valid.
 */
public final class CronDays {

    private static final String[] NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    /** A day number, not the n of "FRI#3" (the third Friday). */
    private static final Pattern DAY = Pattern.compile("(?<!#)[1-7]");

    private CronDays() {
    }

    /** The WARN for a valid Quartz expression whose day-of-week field holds day numbers, naming the days it runs; else null. */
    public static String warning(String name, String expression) {
        String[] fields = expression.trim().split("\\s+");
        if (fields.length < 6 || !DAY.matcher(fields[5]).find()) {
            return null;
        }
        Matcher m = DAY.matcher(fields[5]);
        StringBuilder named = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(named, NAMES[Integer.parseInt(m.group()) - 1]);
        }
        m.appendTail(named);
        return name + "='" + expression.trim() + "': Quartz counts the days of the week from 1 for Sunday (crontab from 1 for Monday),"
                + " so this runs on " + named + "; write the days as names ('" + named + "') to say so plainly";
    }
}
