package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class TransferWindowTest {

    /** Time the test moves: the wall clock (which may jump) and the monotonic clock (which only runs). */
    static final class TestTime extends Clock {
        Instant wall = Instant.parse("2026-11-23T23:30:00Z");
        long nanos = 1_000_000_000L;
        ZoneId zone = ZoneId.of("UTC");

        /** Real time passing: both clocks move. */
        void pass(Duration d) {
            wall = wall.plus(d);
            nanos += d.toNanos();
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return wall;
        }
    }

    private static TransferWindow window(TestTime time, Duration max, Duration grace) {
        return new TransferWindow(time, () -> time.nanos, max, grace);
    }

    @Test
    void no_new_upload_after_closing_and_in_flight_ones_stop_after_the_grace() {
        TestTime time = new TestTime();
        TransferWindow window = window(time, Duration.ofMinutes(330), Duration.ofMinutes(10));
        assertThat(window.acceptsNewUploads()).isTrue();

        time.pass(Duration.ofMinutes(331));
        assertThat(window.acceptsNewUploads()).isFalse();
        assertThat(window.mayContinue()).isTrue();
        assertThat(window.closedReason()).isEqualTo("the transfer window closed at 2026-11-24T05:00:00Z");

        time.pass(Duration.ofMinutes(10));
        assertThat(window.mayContinue()).isFalse();
    }

    @Test
    void a_guard_closes_the_window_early_with_its_own_grace() {
        TestTime time = new TestTime();
        TransferWindow window = window(time, Duration.ofMinutes(330), Duration.ofMinutes(10));

        window.close("maintenance marker exists", Duration.ofMinutes(1));

        assertThat(window.acceptsNewUploads()).isFalse();
        assertThat(window.closedReason()).isEqualTo("maintenance marker exists");
        assertThat(window.mayContinue()).isTrue();
        time.pass(Duration.ofMinutes(2));
        assertThat(window.mayContinue()).isFalse();
    }

    static Stream<Arguments> wallClockJumps() {
        return Stream.of(
                Arguments.of("NTP steps the clock 3 hours ahead", "2026-11-23T23:30:00Z", "UTC", Duration.ofHours(3)),
                Arguments.of("the clock is set back 2 hours", "2026-11-23T23:30:00Z", "UTC", Duration.ofHours(-2)),
                Arguments.of("the clock jumps a day ahead", "2026-11-23T23:30:00Z", "UTC", Duration.ofDays(1)),
                // zoned wall time jumps at DST; Instants do not, and the window never reads the zone
                Arguments.of("spring forward in Berlin inside the window", "2026-03-29T00:30:00Z", "Europe/Berlin", Duration.ZERO),
                Arguments.of("fall back in New York inside the window", "2026-11-01T05:30:00Z", "America/New_York", Duration.ZERO));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wallClockJumps")
    void a_jumping_wall_clock_neither_cuts_the_night_short_nor_extends_it(String what, String opens, String zone, Duration jump) {
        TestTime time = new TestTime();
        time.wall = Instant.parse(opens);
        time.zone = ZoneId.of(zone);
        TransferWindow window = window(time, Duration.ofHours(2), Duration.ofMinutes(10));

        time.pass(Duration.ofMinutes(30));
        time.wall = time.wall.plus(jump);
        time.pass(Duration.ofMinutes(60)); // 90 minutes of real time in a 2-hour window

        assertThat(window.acceptsNewUploads()).as(what).isTrue();
        assertThat(window.closedReason()).isNull();

        time.pass(Duration.ofMinutes(31)); // 121 minutes: closed, in the grace period
        assertThat(window.acceptsNewUploads()).as(what).isFalse();
        assertThat(window.mayContinue()).as(what).isTrue();
        time.pass(Duration.ofMinutes(10));
        assertThat(window.mayContinue()).as(what).isFalse();
    }
}
