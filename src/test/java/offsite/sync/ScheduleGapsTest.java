package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A schedule whose times fall in the hour the clocks skip loses that day's run: the days are named at start-up. */
class ScheduleGapsTest {

    static Stream<Arguments> schedules() {
        return Stream.of(
                Arguments.of("0 30 2 ? * *", "Europe/Berlin", List.of(LocalDate.parse("2027-03-28"))),
                Arguments.of("0 15 2 ? * SUN", "America/New_York", List.of(LocalDate.parse("2027-03-14"))),
                Arguments.of("0 30 23 ? * MON-SAT", "Europe/Berlin", List.of()), // the default: clear of any change
                Arguments.of("0 0 * * * ?", "Europe/Berlin", List.of()), // hourly: only the missing hour goes
                Arguments.of("0 30 2 ? * *", "UTC", List.of()),
                Arguments.of("0 30 2 ? * MON-SAT", "Europe/Berlin", List.of())); // the change is on a Sunday: no run was due
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("schedules")
    void days_without_a_run_are_those_whose_only_times_the_clocks_skip(String cron, String zone, List<LocalDate> expected) throws Exception {
        // from 2026-12-01 for a year: one spring-forward in each zone
        assertThat(ScheduleGaps.daysWithoutRun(cron, ZoneId.of(zone), Instant.parse("2026-12-01T00:00:00Z"), Duration.ofDays(365)))
                .isEqualTo(expected);
    }
}
