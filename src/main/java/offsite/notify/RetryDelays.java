package offsite.notify;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * How long a failed notification waits before its next attempt: offsite.notify.retry-delay, then twice that, and so on
 * (10, 20, 40 s with the defaults); or, when a webhook or heartbeat receiver answered 429 or 503 with a Retry-After
 * header (seconds or an HTTP date), that long, but never longer than the longest of those doublings.
 */
public record RetryDelays(Duration first, int retries) {

    /** Longer than any setting allows (100 years), and still safe to double and to count in milliseconds. */
    private static final Duration FOREVER = Duration.ofDays(365L * 1000);

    public RetryDelays {
        if (first.isNegative() || first.isZero() || retries < 0) {
            throw new IllegalArgumentException("a positive first delay and no negative retries: " + first + ", " + retries);
        }
    }

    public static RetryDelays of(NotifySettings settings) {
        return new RetryDelays(settings.retryDelay(), settings.retries());
    }

    /** The longest wait the settings give, before the last retry: no receiver's Retry-After makes one longer. */
    public Duration longest() {
        return doubled(Math.max(retries, 1) - 1);
    }

    /**
     * The wait after attempts failed attempts (1 after the first) before the next; asked is the receiver's Retry-After
     * ({@link #asked}), or null.
     */
    public Duration after(int attempts, Duration asked) {
        if (asked != null) {
            return asked.compareTo(longest()) > 0 ? longest() : asked;
        }
        Duration doubled = doubled(Math.max(attempts, 1) - 1);
        return doubled.compareTo(longest()) > 0 ? longest() : doubled;
    }

    /**
     * The wait a receiver asked for: status 429 (too many requests) or 503 (unavailable) with a Retry-After header, in
     * seconds or as an HTTP date (one past is no wait); null for another status or a header absent or unreadable.
     */
    public static Duration asked(int status, Map<String, String> headers, Instant now) {
        if ((status != 429 && status != 503) || headers == null) {
            return null;
        }
        String value = headers.entrySet().stream().filter(h -> "Retry-After".equalsIgnoreCase(h.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.matches("[0-9]+")) {
            return v.length() > 12 ? FOREVER : Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration until = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }

    private Duration doubled(int times) {
        Duration d = first.compareTo(FOREVER) > 0 ? FOREVER : first;
        for (int i = 0; i < times && d.compareTo(FOREVER) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(FOREVER) > 0 ? FOREVER : d;
    }
}
