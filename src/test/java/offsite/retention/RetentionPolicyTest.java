package offsite.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    static Backup full(String at) {
        return new Backup(at, Instant.parse(at), true, null);
    }

    static Backup diff(String at, String base) {
        return new Backup(at, Instant.parse(at), false, base);
    }

    /** Hourly backups from start, count of them, all diffs of the first (which is complete). */
    static List<Backup> hourly(String start, int count) {
        List<Backup> out = new ArrayList<>();
        Instant t = Instant.parse(start);
        out.add(full(t.toString()));
        for (int i = 1; i < count; i++) {
            out.add(diff(t.plus(Duration.ofHours(i)).toString(), t.toString()));
        }
        return out;
    }

    @Test
    void a_day_of_hourly_backups_is_kept_whole_by_24h() {
        RetentionPolicy.Plan plan = RetentionPolicy.parse("24h").apply(hourly("2026-11-01T00:00:00Z", 24), ZoneOffset.UTC);
        assertThat(plan.deleted()).isEmpty();
        assertThat(plan.kept()).hasSize(24);
    }

    @Test
    void thirty_days_of_hourly_keep_the_last_24_hours_plus_the_newest_of_each_earlier_day() {
        List<Backup> backups = new ArrayList<>();
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        for (int h = 0; h < 30 * 24; h++) {
            backups.add(full(start.plus(Duration.ofHours(h)).toString())); // complete images: no dependencies
        }

        RetentionPolicy.Plan plan = RetentionPolicy.parse("24h,7d").apply(backups, ZoneOffset.UTC);

        // the newest 24 hours are all of Nov 30; daily keeps Nov 30 23:00 (already kept) and 23:00 of Nov 24..29
        List<String> expected = new ArrayList<>();
        for (int h = 0; h < 24; h++) {
            expected.add("2026-11-30T" + String.format("%02d", h) + ":00:00Z");
        }
        for (int d = 24; d <= 29; d++) {
            expected.add("2026-11-" + d + "T23:00:00Z");
        }
        assertThat(plan.kept().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(plan.kept().get("2026-11-30T23:00:00Z")).containsExactly("hourly 1", "daily 1");
    }

    @Test
    void weeks_are_iso_weeks_across_a_year_end() {
        // Mon 2026-12-28 .. Sun 2027-01-03 is ISO week 2026-W53; Mon 2027-01-04 starts 2027-W01
        List<Backup> backups = List.of(full("2026-12-27T12:00:00Z"), full("2026-12-31T12:00:00Z"), full("2027-01-03T12:00:00Z"),
                full("2027-01-04T12:00:00Z"));

        RetentionPolicy.Plan plan = RetentionPolicy.parse("3w").apply(backups, ZoneOffset.UTC);

        assertThat(plan.kept().keySet()).containsExactlyInAnyOrder("2027-01-04T12:00:00Z", "2027-01-03T12:00:00Z", "2026-12-27T12:00:00Z");
        assertThat(plan.deleted()).extracting(Backup::id).containsExactly("2026-12-31T12:00:00Z");
    }

    @Test
    void months_keep_the_newest_of_each_month() {
        List<Backup> backups = List.of(full("2026-09-30T23:00:00Z"), full("2026-10-01T00:00:00Z"), full("2026-10-31T23:00:00Z"),
                full("2026-11-15T00:00:00Z"));

        RetentionPolicy.Plan plan = RetentionPolicy.parse("2m").apply(backups, ZoneOffset.UTC);

        assertThat(plan.kept().keySet()).containsExactlyInAnyOrder("2026-11-15T00:00:00Z", "2026-10-31T23:00:00Z");
    }

    @Test
    void a_complete_image_stays_while_a_kept_diff_needs_it() {
        List<Backup> backups = List.of(full("2026-11-01T00:00:00Z"), diff("2026-11-01T01:00:00Z", "2026-11-01T00:00:00Z"),
                diff("2026-11-01T02:00:00Z", "2026-11-01T00:00:00Z"));

        RetentionPolicy.Plan plan = RetentionPolicy.parse("1h").apply(backups, ZoneOffset.UTC);

        assertThat(plan.kept()).containsOnlyKeys("2026-11-01T02:00:00Z", "2026-11-01T00:00:00Z");
        assertThat(plan.kept().get("2026-11-01T00:00:00Z")).containsExactly("base of kept diff 2026-11-01T02:00:00Z");
        assertThat(plan.deleted()).extracting(Backup::id).containsExactly("2026-11-01T01:00:00Z");
    }

    @Test
    void bad_policies_name_the_setting() {
        assertThatThrownBy(() -> RetentionPolicy.parse("24 hours")).hasMessageContaining("offsite.image.keep").hasMessageContaining("24 hours");
        assertThatThrownBy(() -> RetentionPolicy.parse("0h")).hasMessageContaining("keeps nothing");
    }
}
