package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A firing of the nightly cron belongs to the window of the latest cron time; a firing Quartz held back (the process
 * suspended, its container paused) may start uploads only until that window's close, never max-duration from waking.
 */
class ScheduledWindowTest {

    private static final String NIGHTLY = "0 30 23 ? * MON-SAT";
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Duration DELAY = Duration.ofMinutes(15);
    private static final Duration MAX = Duration.ofMinutes(330);

    static Stream<Arguments> firings() {
        return Stream.of(
                // fired at, minutes the pass may start uploads for
                Arguments.of("on time, no delay drawn", "2026-12-01T23:30:00.002+01:00", 330),
                Arguments.of("a few milliseconds early (Quartz's own slack)", "2026-12-01T23:29:59.998+01:00", 330),
                Arguments.of("after the longest random delay", "2026-12-01T23:45:00+01:00", 330),
                Arguments.of("woken 1 h 30 min after the cron time", "2026-12-02T01:00:00+01:00", 255),
                Arguments.of("woken a minute before the window closes", "2026-12-02T05:14:00+01:00", 1),
                Arguments.of("woken as it closes", "2026-12-02T05:15:00+01:00", 0),
                Arguments.of("woken the next morning", "2026-12-02T09:02:00+01:00", 0),
                // Sunday night has no window (MON-SAT): Saturday's, long closed, is the latest
                Arguments.of("woken on Sunday night, three days on", "2026-12-06T23:40:00+01:00", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firings")
    void a_pass_may_start_uploads_only_until_its_window_closes(String name, String firedAt, long minutesLeft) {
        Instant now = OffsetDateTime.parse(firedAt).toInstant();

        ScheduledWindow window = ScheduledWindow.at(NIGHTLY, BERLIN, now, DELAY, MAX);

        assertThat(window.left(now, MAX)).isEqualTo(Duration.ofMinutes(minutesLeft));
    }

    @Test
    void a_late_start_is_named_with_how_late_and_when_the_window_still_closes() {
        Instant woke = Instant.parse("2026-12-02T00:00:00Z"); // 01:00 in Berlin
        ScheduledWindow window = ScheduledWindow.at(NIGHTLY, BERLIN, woke, DELAY, MAX);

        assertThat(window.opened()).isEqualTo(Instant.parse("2026-12-01T22:30:00Z"));
        assertThat(window.late(woke, DELAY)).isTrue();
        assertThat(window.startedLate(woke, DELAY)).startsWith("started 1 h 15 min late, at 2026-12-02 01:00 CET: ")
                .contains("the window of 2026-12-01 23:30 CET")
                .endsWith("it still closes at 2026-12-02 05:15 CET");
        assertThat(window.late(Instant.parse("2026-12-01T22:45:30Z"), DELAY)).as("within the random delay and a minute").isFalse();
    }

    @Test
    void a_window_that_closed_before_the_process_woke_is_named_with_both_times() {
        Instant woke = Instant.parse("2026-12-02T08:02:00Z");

        String passed = ScheduledWindow.at(NIGHTLY, BERLIN, woke, DELAY, MAX).passed(woke);

        assertThat(passed).startsWith("the window of 2026-12-01 23:30 CET (offsite.sync.cron) closed at 2026-12-02 05:15 CET before its"
                + " pass could begin").contains("until 2026-12-02 09:02 CET").contains("nothing sent");
    }

    @Test
    void a_frequent_schedule_keeps_its_whole_window_on_every_firing() {
        Instant now = Instant.parse("2026-12-02T10:00:01.500Z");

        ScheduledWindow window = ScheduledWindow.at("0/2 * * * * ?", ZoneId.of("UTC"), now, Duration.ZERO, MAX);

        assertThat(window.left(now, MAX)).isEqualTo(MAX);
    }

    static Stream<Arguments> fallBackNights() {
        return Stream.of(
                // zone, cron in the hour that repeats, the instant Quartz fires at (the second, standard-time one), then the
                // start drawn within the random delay
                Arguments.of("Europe/Berlin", "0 30 2 * * ?", "2026-10-25T02:30:00+01:00", "2026-10-25T02:41:00+01:00"),
                Arguments.of("America/New_York", "0 30 1 * * ?", "2026-11-01T01:30:00-05:00", "2026-11-01T01:44:00-05:00"));
    }

    /** Quartz fires the repeated hour's time once, at its second occurrence: the window opens then, not an hour before. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fallBackNights")
    void a_window_in_the_hour_the_clocks_repeat_opens_when_quartz_fires_it(String zone, String cron, String fired, String started) {
        Instant firedAt = OffsetDateTime.parse(fired).toInstant();
        Instant startedAt = OffsetDateTime.parse(started).toInstant();

        ScheduledWindow window = ScheduledWindow.at(cron, ZoneId.of(zone), startedAt, DELAY, MAX);

        assertThat(window.opened()).isEqualTo(firedAt);
        assertThat(window.left(startedAt, MAX)).isEqualTo(MAX);
        assertThat(window.late(startedAt, DELAY)).as("a start within the random delay is on time").isFalse();
    }

    @Test
    void the_night_after_the_clocks_went_back_keeps_its_own_window() {
        Instant next = OffsetDateTime.parse("2026-10-26T02:35:00+01:00").toInstant();

        ScheduledWindow window = ScheduledWindow.at("0 30 2 * * ?", BERLIN, next, DELAY, MAX);

        assertThat(window.opened()).isEqualTo(OffsetDateTime.parse("2026-10-26T02:30:00+01:00").toInstant());
    }
}
