package offsite.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionPolicyTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** A golden case: the backups (ids are their times), the policy, the zone, and the ids that must stay. */
    record Case(String name, String keep, ZoneId zone, List<Backup> backups, List<String> kept) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Backup full(String at) {
        return Backup.full(at, Instant.parse(at));
    }

    static Backup diff(String at, String base) {
        return Backup.diff(at, Instant.parse(at), base);
    }

    /** count complete images an hour apart from start (no dependencies, so only the rules decide). */
    static List<Backup> hourlyFulls(String start, int count) {
        List<Backup> out = new ArrayList<>();
        for (int h = 0; h < count; h++) {
            out.add(full(Instant.parse(start).plus(Duration.ofHours(h)).toString()));
        }
        return out;
    }

    static List<String> hoursOf(String day, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int h = from; h <= to; h++) {
            out.add(day + "T" + String.format("%02d", h) + ":00:00Z");
        }
        return out;
    }

    static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    static Stream<Case> golden() {
        return Stream.of(
                new Case("a day of hourly backups with 24h keeps all 24", "24h", UTC,
                        hourlyFulls("2026-11-01T00:00:00Z", 24), hoursOf("2026-11-01", 0, 23)),
                // Nov 30 fills the 24 hourly slots; daily slot 1 is Nov 30 23:00 again, slots 2..7 the 23:00 of Nov 29..24
                new Case("30 days of hourly with 24h,7d keep the last 24 hours and the newest of the 6 days before", "24h,7d", UTC,
                        hourlyFulls("2026-11-01T00:00:00Z", 30 * 24),
                        concat(hoursOf("2026-11-30", 0, 23), List.of("2026-11-29T23:00:00Z", "2026-11-28T23:00:00Z",
                                "2026-11-27T23:00:00Z", "2026-11-26T23:00:00Z", "2026-11-25T23:00:00Z", "2026-11-24T23:00:00Z"))),
                new Case("3 hourly of a day keep its 3 newest hours", "3h", UTC,
                        hourlyFulls("2026-11-01T00:00:00Z", 24), hoursOf("2026-11-01", 21, 23)),
                // Sun 2026-12-27 is 2026-W52; Mon 2026-12-28 .. Sun 2027-01-03 is 2026-W53; Mon 2027-01-04 is 2027-W01
                new Case("ISO weeks at the 2026 year end (a 53-week year)", "3w", UTC,
                        List.of(full("2026-12-27T12:00:00Z"), full("2026-12-28T12:00:00Z"), full("2026-12-31T12:00:00Z"),
                                full("2027-01-03T12:00:00Z"), full("2027-01-04T12:00:00Z")),
                        List.of("2027-01-04T12:00:00Z", "2027-01-03T12:00:00Z", "2026-12-27T12:00:00Z")),
                // Mon 2024-12-30 .. Sun 2025-01-05 is 2025-W01: Dec 30 and Dec 31 share a week with Jan 2, not with Dec 29
                new Case("ISO week-based year: Dec 31 2024 is in 2025-W01", "2w", UTC,
                        List.of(full("2024-12-29T12:00:00Z"), full("2024-12-31T12:00:00Z"), full("2025-01-02T12:00:00Z")),
                        List.of("2025-01-02T12:00:00Z", "2024-12-29T12:00:00Z")),
                new Case("months keep the newest of each month", "2m", UTC,
                        List.of(full("2026-09-30T23:00:00Z"), full("2026-10-01T00:00:00Z"), full("2026-10-31T23:30:00Z"),
                                full("2026-11-15T00:00:00Z")),
                        List.of("2026-11-15T00:00:00Z", "2026-10-31T23:30:00Z")),
                // 2026-10-31T23:30Z is 00:30 on Nov 1 in Berlin (CET, UTC+1): October's newest is then 22:30Z
                new Case("month boundary taken in the zone's wall clock", "2m", BERLIN,
                        List.of(full("2026-10-31T22:30:00Z"), full("2026-10-31T23:30:00Z"), full("2026-11-15T00:00:00Z")),
                        List.of("2026-11-15T00:00:00Z", "2026-10-31T22:30:00Z")),
                // Berlin leaves summer time on 2026-10-25: 00:30Z and 01:30Z are both 02:30 local, one hour bucket (as in restic)
                new Case("the repeated hour at the end of summer time is one hour", "3h", BERLIN,
                        List.of(full("2026-10-25T00:30:00Z"), full("2026-10-25T01:30:00Z"), full("2026-10-25T02:30:00Z")),
                        List.of("2026-10-25T02:30:00Z", "2026-10-25T01:30:00Z")),
                new Case("latest N keeps the N newest whatever their age", "2l", UTC,
                        List.of(full("2026-01-01T00:00:00Z"), full("2026-06-01T00:00:00Z"), full("2026-06-01T00:10:00Z")),
                        List.of("2026-06-01T00:10:00Z", "2026-06-01T00:00:00Z")),
                new Case("a complete image stays while a kept diff depends on it", "1h", UTC,
                        List.of(full("2026-11-01T00:00:00Z"), diff("2026-11-01T01:00:00Z", "2026-11-01T00:00:00Z"),
                                diff("2026-11-01T02:00:00Z", "2026-11-01T00:00:00Z")),
                        List.of("2026-11-01T02:00:00Z", "2026-11-01T00:00:00Z")),
                // daily keeps Nov 2 23:00 (a diff of Nov 2 00:00) and Nov 1 23:00 (a diff of Nov 1 00:00): both bases stay
                new Case("every kept diff keeps its own complete image", "2d", UTC,
                        List.of(full("2026-11-01T00:00:00Z"), diff("2026-11-01T12:00:00Z", "2026-11-01T00:00:00Z"),
                                diff("2026-11-01T23:00:00Z", "2026-11-01T00:00:00Z"), full("2026-11-02T00:00:00Z"),
                                diff("2026-11-02T23:00:00Z", "2026-11-02T00:00:00Z")),
                        List.of("2026-11-02T23:00:00Z", "2026-11-02T00:00:00Z", "2026-11-01T23:00:00Z", "2026-11-01T00:00:00Z")),
                // the diff of a missing complete image takes no hourly slot: 1h still keeps the newest restorable backup
                new Case("a diff whose complete image is missing is kept, not counted", "1h", UTC,
                        List.of(full("2026-11-01T09:00:00Z"), full("2026-11-01T10:00:00Z"),
                                diff("2026-11-01T11:00:00Z", "2026-11-01T10:00:00Z"), diff("2026-11-01T12:00:00Z", "gone")),
                        List.of("2026-11-01T12:00:00Z", "2026-11-01T11:00:00Z", "2026-11-01T10:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void keeps_exactly_the_golden_set_and_deletes_the_rest(Case c) {
        RetentionPolicy.Plan plan = RetentionPolicy.parse(c.keep()).apply(c.backups(), c.zone());

        assertThat(plan.kept().keySet()).containsExactlyInAnyOrderElementsOf(c.kept());
        assertThat(plan.deleted()).extracting(Backup::id)
                .containsExactlyInAnyOrderElementsOf(c.backups().stream().map(Backup::id).filter(id -> !c.kept().contains(id)).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void the_plan_does_not_depend_on_input_order(Case c) {
        List<Backup> shuffled = new ArrayList<>(c.backups());
        Collections.shuffle(shuffled, new Random(42));
        RetentionPolicy policy = RetentionPolicy.parse(c.keep());

        assertThat(policy.apply(shuffled, c.zone())).isEqualTo(policy.apply(c.backups(), c.zone()));
    }

    @Test
    void each_kept_backup_lists_the_rules_that_keep_it() {
        List<Backup> backups = List.of(full("2026-11-01T00:00:00Z"), diff("2026-11-01T01:00:00Z", "2026-11-01T00:00:00Z"),
                diff("2026-11-01T02:00:00Z", "2026-11-01T00:00:00Z"));

        RetentionPolicy.Plan plan = RetentionPolicy.parse("2h,1d,1l").apply(backups, UTC);

        assertThat(plan.kept().keySet()).containsExactly("2026-11-01T02:00:00Z", "2026-11-01T01:00:00Z", "2026-11-01T00:00:00Z");
        assertThat(plan.kept().get("2026-11-01T02:00:00Z")).containsExactly("last 1", "hourly 1", "daily 1");
        assertThat(plan.kept().get("2026-11-01T01:00:00Z")).containsExactly("hourly 2");
        assertThat(plan.kept().get("2026-11-01T00:00:00Z")).containsExactly("base of kept diff 2026-11-01T02:00:00Z and 1 older");
    }

    @Test
    void diffs_that_cannot_be_restored_are_reported_and_never_deleted() {
        List<Backup> backups = List.of(full("2026-11-01T10:00:00Z"), diff("2026-11-01T11:00:00Z", "2026-11-01T10:00:00Z"),
                diff("2026-11-01T12:00:00Z", "2026-11-01T11:00:00Z"), diff("2026-11-01T13:00:00Z", "gone"));

        RetentionPolicy.Plan plan = RetentionPolicy.parse("1h").apply(backups, UTC);

        assertThat(plan.unrestorable()).containsExactly(
                Map.entry("2026-11-01T13:00:00Z", "its complete image gone is missing"),
                Map.entry("2026-11-01T12:00:00Z", "its base 2026-11-01T11:00:00Z is a diff, not a complete image"));
        assertThat(plan.kept().get("2026-11-01T13:00:00Z"))
                .containsExactly("not restorable (its complete image gone is missing): never deleted by retention");
        assertThat(plan.kept()).containsKeys("2026-11-01T11:00:00Z", "2026-11-01T10:00:00Z");
        assertThat(plan.deleted()).isEmpty();
    }

    @Test
    void the_default_is_24_hourly_7_daily_5_weekly_6_monthly() {
        assertThat(RetentionPolicy.DEFAULT).isEqualTo(new RetentionPolicy(24, 7, 5, 6)).isEqualTo(RetentionPolicy.parse("24h,7d,5w,6m"));
        assertThat(RetentionPolicy.DEFAULT).hasToString("24h,7d,5w,6m");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "24h,7d,5w,6m      | 24 | 7 | 5 | 6 | 0 | 24h,7d,5w,6m",
            "' 6M , 24H '      | 24 | 0 | 0 | 6 | 0 | 24h,6m",
            "3l,7d             | 0  | 7 | 0 | 0 | 3 | 3l,7d",
            "0h,1w             | 0  | 0 | 1 | 0 | 0 | 1w"})
    void parses_counts_in_any_order(String text, int h, int d, int w, int m, int l, String printed) {
        RetentionPolicy policy = RetentionPolicy.parse(text);

        assertThat(policy).isEqualTo(new RetentionPolicy(h, d, w, m, l));
        assertThat(policy).hasToString(printed);
        assertThat(RetentionPolicy.parse(policy.toString())).isEqualTo(policy);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "24 hours     | '24 hours' in '24 hours' is not valid",
            "24h,7x       | '7x' in '24h,7x' is not valid",
            "24h,,7d      | '' in '24h,,7d' is not valid",
            "-1h          | '-1h' in '-1h' is not valid",
            "24h,12h      | unit 'h' appears twice in '24h,12h'",
            "0h,0d        | '0h,0d' keeps nothing",
            "''           | is empty"})
    void refuses_a_bad_policy_naming_the_setting_and_the_value(String text, String problem) {
        assertThatThrownBy(() -> RetentionPolicy.parse(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("offsite.image.keep: ").hasMessageContaining(problem);
    }

    @Test
    void an_option_name_replaces_the_setting_name_in_errors() {
        assertThatThrownBy(() -> RetentionPolicy.parse("--keep", "7days")).hasMessageStartingWith("--keep: '7days' in '7days'");
    }

    @Test
    void refuses_negative_counts_and_backups_that_appear_twice() {
        assertThatThrownBy(() -> new RetentionPolicy(24, -1, 5, 6)).hasMessageContaining("daily count -1 is negative");
        Backup b = full("2026-11-01T00:00:00Z");
        assertThatThrownBy(() -> RetentionPolicy.DEFAULT.apply(List.of(b, b), UTC)).hasMessageContaining("appears twice");
    }

    @Test
    void a_backup_states_its_dependency_consistently() {
        assertThatThrownBy(() -> new Backup("d", Instant.EPOCH, Backup.Type.DIFF, null)).hasMessageContaining("diff d names no complete image");
        assertThatThrownBy(() -> new Backup("f", Instant.EPOCH, Backup.Type.FULL, "x")).hasMessageContaining("only a diff has one");
        assertThat(new Backup("f", Instant.EPOCH, true, null)).isEqualTo(Backup.full("f", Instant.EPOCH));
    }
}
