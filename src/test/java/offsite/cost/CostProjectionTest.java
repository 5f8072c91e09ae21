package offsite.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import offsite.image.CompleteImageRule;
import offsite.retention.RetentionPolicy;
import org.junit.jupiter.api.Test;

class CostProjectionTest {

    /**
     * By hand: complete image 1e9 bytes, delta growing 1e7 bytes an hour, hourly, factor 2, keep 24h, one month
     * (2026-01-05 to 2026-02-05: 744 hourly backups).
     * - The k-th delta is 1e7*k; a new complete image when 1e7*k > 2e9/(k-1), i.e. k(k-1) > 200: first at k = 15,
     *   so each cycle is 1 complete image + 14 deltas = 15 hours.
     * - Uploads per cycle: 1e9 + 1e7*(1+...+14) = 1e9 + 1.05e9 = 2.05e9; 744 = 49 cycles + 9 hours, the last
     *   partial cycle 1e9 + 1e7*(1+...+8) = 1.36e9; total 49*2.05e9 + 1.36e9 = 101.81e9; per interval 101.81e9/744.
     * - The 24 newest hourly backups span at most 3 complete images: two inside, plus the base of the oldest diffs.
     * - January holds 648 of those hours (Jan 5..31): 43 cycles + 3 hours = 88.15e9 + 1.03e9 = 89.18e9 uploaded.
     * - Requests: 744 backups * 3 = 2,232 PUT/LIST at 0.005 per 1,000 = 0.01116 USD a month, 0.13392 a year.
     */
    @Test
    void matches_a_hand_calculation_for_a_simple_case() {
        Prices prices = new Prices(0.023, 0.005, 0.0004, 0, 0.09);

        CostProjection.Result r = CostProjection.run(1_000_000_000L, 1e7, Duration.ofHours(1), RetentionPolicy.parse("24h"),
                new CompleteImageRule(2, null), 1, prices);

        assertThat(r.deltasPerCycle()).isEqualTo(14);
        assertThat(r.cycleHours()).isEqualTo(15.0);
        assertThat(r.peakUploadBytesPerInterval()).isEqualTo(1_000_000_000L);
        assertThat(r.averageUploadBytesPerInterval()).isEqualTo(101_810_000_000L / 744);
        // January holds 648 of the hours (Jan 5 .. 31): 43 cycles + 3 hours = 43*2.05e9 + (1e9 + 1e7 + 2e7)
        assertThat(r.maxUploadBytesPerMonth()).isEqualTo(89_180_000_000L);
        assertThat(r.completeImagesHeld()).isEqualTo(3);
        assertThat(r.yearlyRequestCost()).isCloseTo(0.13392, within(1e-9));
        assertThat(r.yearlyTransferCost()).isZero();
        assertThat(r.yearlyTotalCost()).isCloseTo(r.yearlyStorageCost() + r.yearlyRequestCost(), within(1e-9));
    }
}
