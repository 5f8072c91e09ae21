package offsite.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import offsite.image.CompleteImageRule;
import org.junit.jupiter.api.Test;

/**
 * A week and a day of hourly backups on a fake clock: complete image 1,000,000 bytes, the delta against it
 * growing by 10,000 bytes an hour. The rule (factor 2) sends a new complete image when
 * delta > 2,000,000 / deltas_sent, i.e. when 10,000*k > 2,000,000/(k-1): k(k-1) > 200, first at k = 15.
 * So every 15th hour is complete: hours 0, 15, 30, ... Retention 24h,7d,5w,6m is applied after every backup.
 */
class SimulatedWeekTest {

    @Test
    void hourly_backups_follow_the_rule_and_retention_keeps_exactly_the_policy_and_every_needed_base() {
        CompleteImageRule rule = new CompleteImageRule(2, null);
        RetentionPolicy policy = RetentionPolicy.parse("24h,7d,5w,6m");
        Instant start = Instant.parse("2026-11-02T00:00:00Z"); // a Monday
        List<Backup> stored = new ArrayList<>();
        Map<String, Boolean> kinds = new HashMap<>();
        String complete = null;
        int deltasSent = 0;
        int hoursSinceComplete = 0;
        List<Integer> completeHours = new ArrayList<>();
        int hours = 8 * 24;
        for (int h = 0; h < hours; h++) {
            Instant now = start.plus(Duration.ofHours(h));
            boolean full = rule.before(complete != null, false, now, now).full();
            if (!full) {
                long delta = 10_000L * (hoursSinceComplete + 1);
                full = rule.after(delta, 1_000_000, deltasSent).full();
            }
            Backup b = full ? new Backup(now.toString(), now, true, null) : new Backup(now.toString(), now, false, complete);
            if (full) {
                complete = b.id();
                deltasSent = 0;
                hoursSinceComplete = 0;
                completeHours.add(h);
            } else {
                deltasSent++;
                hoursSinceComplete++;
            }
            stored.add(b);
            kinds.put(b.id(), full);
            RetentionPolicy.Plan plan = policy.apply(stored, ZoneOffset.UTC);
            stored.removeAll(plan.deleted());
            for (Backup kept : stored) {
                if (!kept.full()) {
                    assertThat(stored).as("base of " + kept.id()).anyMatch(x -> x.id().equals(kept.base()));
                }
            }
        }

        // complete images every 15 hours (1 complete + 14 deltas per cycle)
        List<Integer> expectedComplete = new ArrayList<>();
        for (int h = 0; h < hours; h += 15) {
            expectedComplete.add(h);
        }
        assertThat(completeHours).isEqualTo(expectedComplete);

        // kept: the last 24 hours (hours 168..191 = Nov 9), the 23:00 backup of the 6 days before it (Nov 3..8;
        // Nov 2's falls outside 7 daily slots: Nov 9 is the 1st), the weekly picks (newest of ISO weeks 45 and
        // 46: hours 167 and 191), the monthly pick (hour 191), plus the complete images those diffs need.
        List<Integer> keptHours = new ArrayList<>();
        for (int h = 168; h < 192; h++) {
            keptHours.add(h);
        }
        for (int day = 1; day <= 6; day++) {
            keptHours.add(day * 24 + 23);
        }
        List<Integer> bases = new ArrayList<>();
        for (int h : keptHours) {
            int base = h / 15 * 15;
            if (!keptHours.contains(base) && !bases.contains(base)) {
                bases.add(base);
            }
        }
        keptHours.addAll(bases);
        assertThat(stored).extracting(Backup::id)
                .containsExactlyInAnyOrderElementsOf(keptHours.stream().map(h -> start.plus(Duration.ofHours(h)).toString()).toList());
    }
}
