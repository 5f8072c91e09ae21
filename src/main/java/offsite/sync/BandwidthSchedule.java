package offsite.sync;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bandwidth cap in bytes per second (0 = none), fixed or by time of day, in rclone's --bwlimit syntax:
 * "2MB", "off", or a timetable "23:30,off 06:00,1MB" where each rate holds from its time until the next.
 * K, M and G are binary multiples (1M = 1 MiB); a trailing B or iB is optional.
 */
public record BandwidthSchedule(NavigableMap<LocalTime, Long> timetable) {

    private static final Pattern RATE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([KMG]?)(I?B)?(/S)?");
    /** A cap under 1 KiB/s would hold a night's upload for months: such a rate is a unit left out ("10" for 10MB), not a wish. */
    private static final long MIN_RATE = 1024;

    public BandwidthSchedule {
        timetable = new TreeMap<>(timetable);
    }

    public static BandwidthSchedule parse(String setting) {
        String value = setting == null ? "" : setting.trim();
        NavigableMap<LocalTime, Long> table = new TreeMap<>();
        if (value.isEmpty()) {
            table.put(LocalTime.MIDNIGHT, 0L);
            return new BandwidthSchedule(table);
        }
        if (!value.contains(",")) {
            table.put(LocalTime.MIDNIGHT, rate(value, setting));
            return new BandwidthSchedule(table);
        }
        for (String entry : value.split("\\s+")) {
            String[] parts = entry.split(",", 2);
            if (parts.length != 2) {
                throw invalid(setting, "'" + entry + "' is not TIME,RATE");
            }
            LocalTime time;
            try {
                time = LocalTime.parse(parts[0].length() == 4 ? "0" + parts[0] : parts[0]);
            } catch (DateTimeParseException e) {
                throw invalid(setting, "'" + parts[0] + "' is not a time of day HH:MM");
            }
            if (table.put(time, rate(parts[1], setting)) != null) {
                throw invalid(setting, "'" + parts[0] + "' is given twice");
            }
        }
        return new BandwidthSchedule(table);
    }

    private static long rate(String text, String setting) {
        if (text.equalsIgnoreCase("off") || text.equals("0")) {
            return 0;
        }
        Matcher m = RATE.matcher(text.trim());
        if (!m.matches()) {
            throw invalid(setting, "'" + text + "' is not a rate such as 2MB, 512K or off");
        }
        double n = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        long rate = (long) (n * (1L << shift));
        if (n > 0 && rate < MIN_RATE) {
            throw invalid(setting, "'" + text + "' is below 1K a second, and a number alone counts bytes");
        }
        return rate;
    }

    /** why names the wrong piece first ("'500' is below ..."); the whole value is named before it only when it is more than that piece. */
    private static IllegalArgumentException invalid(String setting, String why) {
        String whole = "'" + setting.trim() + "'";
        return new IllegalArgumentException("offsite.sync.bandwidth: " + (why.startsWith(whole + " ") ? "" : whole + ": ") + why
                + " (expected a rate like 2MB, empty for no cap, or a timetable like '23:30,off 06:00,1MB')");
    }

    /** Bytes per second allowed at this time of day; 0 means no cap. */
    public long rateAt(LocalTime time) {
        Map.Entry<LocalTime, Long> e = timetable.floorEntry(time);
        return (e != null ? e : timetable.lastEntry()).getValue();
    }

    public boolean unlimited() {
        return timetable.values().stream().allMatch(r -> r == 0);
    }
}
