package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TransferWindowTest {

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-23T23:30:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void no_new_upload_after_closing_and_in_flight_ones_stop_after_the_grace() {
        MovableClock clock = new MovableClock();
        TransferWindow window = new TransferWindow(clock, Duration.ofMinutes(330), Duration.ofMinutes(10));
        assertThat(window.acceptsNewUploads()).isTrue();

        clock.now = clock.now.plus(Duration.ofMinutes(331));
        assertThat(window.acceptsNewUploads()).isFalse();
        assertThat(window.mayContinue()).isTrue();
        assertThat(window.closedReason()).contains("closed at");

        clock.now = clock.now.plus(Duration.ofMinutes(10));
        assertThat(window.mayContinue()).isFalse();
    }

    @Test
    void a_guard_closes_the_window_early_with_its_own_grace() {
        MovableClock clock = new MovableClock();
        TransferWindow window = new TransferWindow(clock, Duration.ofMinutes(330), Duration.ofMinutes(10));

        window.close("maintenance marker exists", Duration.ofMinutes(1));

        assertThat(window.acceptsNewUploads()).isFalse();
        assertThat(window.closedReason()).isEqualTo("maintenance marker exists");
        assertThat(window.mayContinue()).isTrue();
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(window.mayContinue()).isFalse();
    }
}
