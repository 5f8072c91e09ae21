package offsite.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InstantTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-30T22:34:39Z", "2026-11-30T22:34:39.357Z", "2026-11-30T22:34:39.357009Z",
            "2026-11-30T22:34:39.357009302Z", "2026-11-30T22:34:39.000000001Z", "2026-11-30T22:34:39.010Z",
            "2026-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00.5Z", "9999-12-31T23:59:59.100Z"})
    void an_instant_is_written_as_instant_to_string_writes_it_with_its_utc_month(String text) {
        Instant t = Instant.parse(text);
        InstantText times = new InstantText();

        assertThat(times.of(t)).isEqualTo(t.toString());
        assertThat(times.month(t)).isEqualTo(t.toString().substring(0, 7));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 999_999_999, 1_000_000_000})
    void the_same_second_and_the_next_both_come_out_right_from_one_instance(long nanosLater) {
        InstantText times = new InstantText();
        Instant first = Instant.parse("2026-11-30T23:59:59.250Z");
        Instant second = first.plusNanos(nanosLater);

        assertThat(times.of(first)).isEqualTo(first.toString());
        assertThat(times.of(second)).isEqualTo(second.toString());
        assertThat(times.month(second)).isEqualTo(second.toString().substring(0, 7));
    }
}
