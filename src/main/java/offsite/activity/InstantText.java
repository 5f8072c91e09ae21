package offsite.activity;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An instant's text as Instant.toString writes it (ISO-8601, UTC, the fraction in groups of three digits) and its
 * UTC month, the date and time formatted once a second: every S3 request is logged with its time, and formatting
 * each through DateTimeFormatter cost more than writing the line.
 */
final class InstantText {

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private record Second(long epochSecond, String text, String month) {
    }

    private volatile Second last = new Second(Long.MIN_VALUE, "", "");

    /** The text of t, identical to t.toString() for the years 0 to 9999. */
    String of(Instant t) {
        String second = second(t).text;
        int nano = t.getNano();
        if (nano == 0) {
            return second + 'Z';
        }
        int digits = nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        int value = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1_000 : nano;
        StringBuilder out = new StringBuilder(second.length() + digits + 2).append(second).append('.');
        String fraction = Integer.toString(value);
        for (int pad = digits - fraction.length(); pad > 0; pad--) {
            out.append('0');
        }
        return out.append(fraction).append('Z').toString();
    }

    /** The UTC month of t, as yyyy-MM. */
    String month(Instant t) {
        return second(t).month;
    }

    private Second second(Instant t) {
        Second s = last;
        if (s.epochSecond != t.getEpochSecond()) {
            String text = SECOND.format(LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC));
            s = new Second(t.getEpochSecond(), text, text.substring(0, text.indexOf('-', 1) + 3));
            last = s;
        }
        return s;
    }
}
