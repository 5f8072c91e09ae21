package offsite.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import offsite.activity.Activity;
import org.junit.jupiter.api.Test;

class MonthlyCostTest {

    /**
     * By hand, on 2026-11-16T00:00Z (15 of November's 30 days gone): 1e10 bytes stored = 10 GB x 0.023 = 0.23 a month,
     * 0.115 so far; 2,000 PUTs (0.010) and 1,000 GETs (0.0004) = 0.0104; 1e9 bytes received = 1 GB out x 0.09 = 0.09.
     * Month to date 0.2154; projected 0.23 + (0.0104 + 0.09) x 30/15 = 0.4308. October's activity does not count.
     */
    @Test
    void month_to_date_and_projection_match_a_hand_calculation() {
        List<Activity> log = new ArrayList<>();
        Instant day = Instant.parse("2026-11-10T01:00:00Z");
        for (int i = 0; i < 2000; i++) {
            log.add(new Activity(day, "sync", "PutObject", "sets/a", 1_000_000, 0, 5, "200"));
        }
        for (int i = 0; i < 1000; i++) {
            log.add(new Activity(day, "sync", "GetObject", "sets/a", 0, 1_000_000, 5, "200"));
        }
        log.add(new Activity(Instant.parse("2026-10-31T23:00:00Z"), "sync", "GetObject", "sets/a", 0, 5_000_000_000L, 5, "200"));
        log.add(new Activity(day, "sync", "DeleteObject", "sets/a", 0, 0, 5, "204"));

        MonthlyCost cost = MonthlyCost.of(10_000_000_000L, log, new Prices(0.023, 0.005, 0.0004, 0, 0.09), Instant.parse("2026-11-16T00:00:00Z"));

        assertThat(cost.month()).isEqualTo("2026-11");
        assertThat(cost.storage()).isCloseTo(0.115, within(1e-9));
        assertThat(cost.requests()).isCloseTo(0.0104, within(1e-9));
        assertThat(cost.transfer()).isCloseTo(0.09, within(1e-9));
        assertThat(cost.monthToDate()).isCloseTo(0.2154, within(1e-9));
        assertThat(cost.projected()).isCloseTo(0.4308, within(1e-9));
    }
}
