package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.TimeZone;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quartz.CronExpression;

class CronFiringsTest {

    static Stream<Arguments> firings() {
        return Stream.of(
                Arguments.of("monthly, weeks after", "0 0 3 1 * ?", "2026-12-20T11:00:00+01:00", "2026-12-01T03:00:00+01:00"),
                Arguments.of("monthly, a second before", "0 0 3 1 * ?", "2026-12-01T02:59:59+01:00", "2026-11-01T03:00:00+01:00"),
                Arguments.of("monthly, at the firing", "0 0 3 1 * ?", "2026-12-01T03:00:00+01:00", "2026-12-01T03:00:00+01:00"),
                Arguments.of("every minute", "0 * * * * ?", "2026-12-01T03:00:30+01:00", "2026-12-01T03:00:00+01:00"),
                // The trigger fires 02:30 once on the night the clocks go back, at the second (CET) 02:30.
                Arguments.of("clocks back, between the two 02:30s", "0 30 2 * * ?", "2026-10-25T02:40:00+01:00", "2026-10-25T02:30:00+01:00"),
                Arguments.of("clocks back, after the first 02:30 only", "0 30 2 * * ?", "2026-10-25T02:40:00+02:00", "2026-10-24T02:30:00+02:00"),
                Arguments.of("clocks forward, no 02:30 that night", "0 30 2 * * ?", "2026-03-29T05:00:00+02:00", "2026-03-28T02:30:00+01:00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firings")
    void latest_is_the_firing_the_trigger_made_last(String name, String cron, String limit, String expected) throws ParseException {
        assertThat(CronFirings.latest(berlin(cron), OffsetDateTime.parse(limit).toInstant()))
                .isEqualTo(OffsetDateTime.parse(expected).toInstant());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firings")
    void latest_agrees_with_stepping_forward_as_the_trigger_does(String name, String cron, String limit, String expected)
            throws ParseException {
        CronExpression expression = berlin(cron);
        Instant end = OffsetDateTime.parse(limit).toInstant();
        Instant stepped = null;
        for (Date next = expression.getTimeAfter(Date.from(end.minus(Duration.ofDays(62)))); next != null
                && !next.toInstant().isAfter(end); next = expression.getTimeAfter(next)) {
            stepped = next.toInstant();
        }
        assertThat(CronFirings.latest(expression, end)).isEqualTo(stepped);
    }

    @Test
    void a_cron_whose_only_firing_is_after_the_limit_has_none() throws ParseException {
        assertThat(CronFirings.latest(berlin("0 0 0 1 1 ? 2099"), Instant.parse("2026-12-01T02:00:00Z"))).isNull();
    }

    @Test
    void a_cron_whose_last_firing_is_years_back_finds_it() throws ParseException {
        assertThat(CronFirings.latest(berlin("0 0 0 1 1 ? 2020"), Instant.parse("2026-12-01T02:00:00Z")))
                .isEqualTo(OffsetDateTime.parse("2020-01-01T00:00:00+01:00").toInstant());
    }

    private static CronExpression berlin(String cron) throws ParseException {
        CronExpression expression = new CronExpression(cron);
        expression.setTimeZone(TimeZone.getTimeZone("Europe/Berlin"));
        return expression;
    }
}
