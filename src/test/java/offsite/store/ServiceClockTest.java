package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The service's time from the Date header of its answers, taken only when the host's clock is out by more than minutes. */
class ServiceClockTest {

    private static final Instant HOST_NOW = Instant.parse("2026-12-01T08:00:00Z");

    record Case(String dateHeader, Duration ahead, Instant earlier) {
        @Override
        public String toString() {
            return "Date: '" + dateHeader + "'";
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Tue, 1 Dec 2026 08:00:01 GMT", Duration.ZERO, HOST_NOW), // the header's second and the request's time
                new Case("Tue, 1 Dec 2026 08:04:59 GMT", Duration.ZERO, HOST_NOW),
                new Case("Tue, 1 Dec 2026 08:20:00 GMT", Duration.ofMinutes(20), HOST_NOW),
                new Case("Thu, 22 Oct 2026 08:00:00 GMT", Duration.ofDays(-40), HOST_NOW.minus(Duration.ofDays(40))),
                new Case("Sun, 10 Jan 2027 08:00:00 GMT", Duration.ofDays(40), HOST_NOW),
                new Case("yesterday", Duration.ZERO, HOST_NOW),
                new Case("", Duration.ZERO, HOST_NOW));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void the_service_time_is_taken_from_a_date_beyond_the_tolerance(Case c) {
        ServiceClock clock = new ServiceClock(Clock.fixed(HOST_NOW, ZoneOffset.UTC));

        clock.learn(c.dateHeader());

        assertThat(clock.ahead()).isEqualTo(c.ahead());
        assertThat(clock.instant()).isEqualTo(HOST_NOW.plus(c.ahead()));
        assertThat(clock.earlier()).as("the earlier of the two clocks").isEqualTo(c.earlier());
        assertThat(clock.withZone(ZoneOffset.ofHours(1)).instant()).as("a zoned copy reads the same time").isEqualTo(clock.instant());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_clock_set_right_again_goes_back_to_the_hosts_time(Case c) {
        ServiceClock clock = new ServiceClock(Clock.fixed(HOST_NOW, ZoneOffset.UTC));
        clock.learn(c.dateHeader());

        clock.learn("Tue, 1 Dec 2026 08:00:00 GMT");

        assertThat(clock.instant()).isEqualTo(HOST_NOW);
    }
}
