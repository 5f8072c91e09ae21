package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CompleteImageRuleTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final long GB = 1_000_000_000L;

    /** One situation: the rule's settings, the current complete image (age null: none), the delta, and the verdict. */
    record Case(String name, double factor, Duration maxAge, boolean forced, Duration completeAge, int deltasSent, long deltaSize,
            boolean full, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Duration week = Duration.ofDays(7);
        return Stream.of(
                new Case("no complete image yet", 2, null, false, null, 0, 0, true, "no complete image yet"),
                new Case("forced by image --full", 2, null, true, Duration.ofHours(1), 3, 1, true, "asked for a complete image (--full)"),
                new Case("complete image older than the maximum age", 2, week, false, Duration.ofDays(8), 3, 1, true,
                        "the complete image is 8d old, older than offsite.image.full-max-age 7d"),
                new Case("complete image exactly the maximum age is still used", 2, week, false, week, 3, 1, false, "delta 1 bytes <="),
                new Case("no maximum age: a year-old complete image is still used", 2, null, false, Duration.ofDays(365), 3, 1, false, "<="),
                // 1 GB x 2 / 10 = 200 MB
                new Case("delta above complete x factor / deltas sent", 2, null, false, Duration.ofHours(11), 10, 200_000_001, true,
                        "delta 200,000,001 bytes > complete 1,000,000,000 x 2 / 10 deltas sent = 200,000,000: a new complete image costs less"),
                new Case("delta exactly at the bound is sent", 2, null, false, Duration.ofHours(11), 10, 200_000_000, false,
                        "delta 200,000,000 bytes <= complete 1,000,000,000 x 2 / 10 deltas sent = 200,000,000"),
                // 1 GB x 3 / 10 = 300 MB: the factor is configurable
                new Case("a larger factor allows larger deltas", 3, null, false, Duration.ofHours(11), 10, 250_000_000, false, "x 3 / 10"),
                new Case("a fractional factor", 0.5, null, false, Duration.ofHours(2), 1, 500_000_001, true, "x 0.5 / 1 deltas sent"),
                // deltas_sent = 0: bound = complete x min(factor, 1) = 1 GB
                new Case("first delta larger than the complete image", 2, null, false, Duration.ofHours(1), 0, GB + 1, true,
                        "x min(2, 1) (first delta) = 1,000,000,000: a new complete image costs less"),
                new Case("first delta as large as the complete image is sent", 2, null, false, Duration.ofHours(1), 0, GB, false,
                        "(first delta)"),
                new Case("first delta with a factor below 1", 0.5, null, false, Duration.ofHours(1), 0, GB / 2 + 1, true,
                        "min(0.5, 1) (first delta) = 500,000,000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides_complete_or_delta_with_a_one_line_reason(Case c) {
        CompleteImageRule rule = new CompleteImageRule(c.factor(), c.maxAge());
        boolean have = c.completeAge() != null;

        CompleteImageRule.Decision d = rule.decide(have, c.forced(), have ? NOW.minus(c.completeAge()) : null, NOW, GB, c.deltasSent(),
                c.deltaSize());

        assertThat(d.full()).isEqualTo(c.full());
        assertThat(d.reason()).contains(c.reason()).doesNotContain("\n");
    }

    @Test
    void the_bound_shrinks_as_deltas_are_sent() {
        CompleteImageRule rule = CompleteImageRule.defaults();
        // 100 MB deltas against 1 GB: bound 2 GB/n; 100 MB > 2 GB/n from n = 21
        assertThat(rule.after(100_000_000, GB, 20).full()).isFalse();
        assertThat(rule.after(100_000_000, GB, 21).full()).isTrue();
    }

    @Test
    void refuses_settings_and_sizes_that_make_no_sense() {
        assertThatThrownBy(() -> new CompleteImageRule(0, null)).hasMessageContaining("offsite.image.full-factor: 0.0 is not valid");
        assertThatThrownBy(() -> new CompleteImageRule(Double.NaN, null)).hasMessageContaining("full-factor");
        assertThatThrownBy(() -> new CompleteImageRule(2, Duration.ZERO)).hasMessageContaining("offsite.image.full-max-age: PT0S");
        assertThatThrownBy(() -> CompleteImageRule.defaults().after(-1, GB, 1)).hasMessageContaining("delta size -1");
    }
}
