package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The wait before a notification's next attempt: the doubling of offsite.notify.retry-delay, or a receiver's Retry-After within it. */
class RetryDelaysTest {

    static final Instant NOW = Instant.parse("2026-12-03T07:30:00Z");
    /** The defaults: 3 retries after 10 s, 20 s, 40 s. */
    static final RetryDelays DEFAULTS = new RetryDelays(Duration.ofSeconds(10), 3);

    /** The failed attempt (its status, its Retry-After or null), how many were made, and the wait before the next. */
    record Case(String name, int status, String retryAfter, int attempts, Duration expected) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("first retry, no Retry-After", 500, null, 1, Duration.ofSeconds(10)),
                new Case("second retry, no Retry-After", 500, null, 2, Duration.ofSeconds(20)),
                new Case("third retry, no Retry-After", 500, null, 3, Duration.ofSeconds(40)),
                new Case("a mail's failure (no status)", 0, null, 2, Duration.ofSeconds(20)),
                new Case("503, Retry-After in seconds", 503, "5", 1, Duration.ofSeconds(5)),
                new Case("429, Retry-After in seconds, longer than the doubling's step", 429, "30", 1, Duration.ofSeconds(30)),
                new Case("429, Retry-After of an hour: the longest wait, 40 s", 429, "3600", 1, Duration.ofSeconds(40)),
                new Case("503, Retry-After of 0", 503, "0", 2, Duration.ZERO),
                new Case("503, Retry-After past any number", 503, "99999999999999999999", 1, Duration.ofSeconds(40)),
                new Case("503, Retry-After as an HTTP date 25 s ahead", 503, "Thu, 03 Dec 2026 07:30:25 GMT", 1, Duration.ofSeconds(25)),
                new Case("503, Retry-After as an HTTP date past", 503, "Thu, 03 Dec 2026 07:00:00 GMT", 3, Duration.ZERO),
                new Case("503, Retry-After unreadable: the doubling", 503, "soon", 2, Duration.ofSeconds(20)),
                new Case("500 with Retry-After: not a status that asks for a wait", 500, "5", 1, Duration.ofSeconds(10)),
                new Case("502 with Retry-After: the doubling", 502, "1", 3, Duration.ofSeconds(40)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void the_wait_before_the_next_attempt(Case c) {
        Map<String, String> headers = c.retryAfter() == null ? Map.of() : Map.of("Retry-after", c.retryAfter());

        assertThat(DEFAULTS.after(c.attempts(), RetryDelays.asked(c.status(), headers, NOW))).as(c.name()).isEqualTo(c.expected());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void no_wait_is_longer_than_the_longest_doubling(Case c) {
        RetryDelays one = new RetryDelays(Duration.ofMillis(100), 1);
        Map<String, String> headers = c.retryAfter() == null ? Map.of() : Map.of("retry-after", c.retryAfter());

        assertThat(one.after(c.attempts(), RetryDelays.asked(c.status(), headers, NOW))).isLessThanOrEqualTo(Duration.ofMillis(100));
    }
}
