package offsite.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import offsite.report.OfflineReport;
import offsite.report.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The month's copy refused while the backup application was at work is tried again until one keeps a snapshot, then not
 * until the cron fires again; other refusals and failures wait for the user.
 */
class RetryDueTest {

    /** The period of the shipped cron that began 2026-12-01 03:00 UTC. */
    private static final Instant PERIOD = Instant.parse("2026-12-01T03:00:00Z");
    private static final Duration HOURLY = Duration.ofHours(1);

    /** A copy's report: started at `at`, ended a minute later, busy or not. */
    private static OfflineReport copy(RunStatus status, String at, boolean busy) {
        Instant started = Instant.parse(at);
        return new OfflineReport(status, "why", "/media/usb", status == RunStatus.OK ? "/media/usb/" + at.substring(0, 10) : null,
                started, started.plusSeconds(60), 0, 0, List.of(), busy, false);
    }

    private static final OfflineReport NOVEMBER_SNAPSHOT = copy(RunStatus.OK, "2026-11-01T03:00:00Z", false);
    private static final OfflineReport MARKER_AT_0300 = copy(RunStatus.WARN, "2026-12-01T03:00:00Z", true);

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, period start, latest report, last snapshot, a copy running, now, every, due
                Arguments.of("refused at 03:00 for a marker: not before an hour after it ended", PERIOD, MARKER_AT_0300,
                        NOVEMBER_SNAPSHOT, false, "2026-12-01T03:30:00Z", HOURLY, false),
                Arguments.of("refused at 03:00 for a marker: due an hour after it ended", PERIOD, MARKER_AT_0300, NOVEMBER_SNAPSHOT,
                        false, "2026-12-01T04:01:00Z", HOURLY, true),
                Arguments.of("refused again at 04:01: due at 05:02", PERIOD, copy(RunStatus.WARN, "2026-12-01T04:01:00Z", true),
                        NOVEMBER_SNAPSHOT, false, "2026-12-01T05:02:00Z", HOURLY, true),
                Arguments.of("a marker appeared mid-copy (FAILED, busy): tried again", PERIOD,
                        copy(RunStatus.FAILED, "2026-12-01T03:00:00Z", true), NOVEMBER_SNAPSHOT, false, "2026-12-01T04:01:00Z", HOURLY,
                        true),
                Arguments.of("days of refusals: still due within the period", PERIOD, copy(RunStatus.WARN, "2026-12-20T10:00:00Z", true),
                        NOVEMBER_SNAPSHOT, false, "2026-12-20T11:01:00Z", HOURLY, true),
                Arguments.of("the period's snapshot is kept: nothing more", PERIOD, copy(RunStatus.OK, "2026-12-01T06:00:00Z", false),
                        copy(RunStatus.OK, "2026-12-01T06:00:00Z", false), false, "2026-12-01T09:00:00Z", HOURLY, false),
                Arguments.of("a snapshot kept by `offline` this period, a later try refused: nothing more", PERIOD,
                        copy(RunStatus.WARN, "2026-12-02T03:00:00Z", true), copy(RunStatus.OK, "2026-12-01T12:00:00Z", false), false,
                        "2026-12-03T03:00:00Z", HOURLY, false),
                Arguments.of("the last try was last period's: the schedule's own copy comes first", PERIOD,
                        copy(RunStatus.WARN, "2026-11-30T20:00:00Z", true), NOVEMBER_SNAPSHOT, false, "2026-12-01T02:59:00Z", HOURLY,
                        false),
                Arguments.of("a new period began after last month's refusals: not tried again before its own copy",
                        Instant.parse("2027-01-01T03:00:00Z"), copy(RunStatus.WARN, "2026-12-31T23:00:00Z", true), NOVEMBER_SNAPSHOT, false,
                        "2027-01-01T03:00:00Z", HOURLY, false),
                Arguments.of("no drive (not busy): the user's to fix", PERIOD, copy(RunStatus.WARN, "2026-12-01T03:00:00Z", false),
                        NOVEMBER_SNAPSHOT, false, "2026-12-01T09:00:00Z", HOURLY, false),
                Arguments.of("a drive that failed verification: not rewritten every hour", PERIOD,
                        copy(RunStatus.FAILED, "2026-12-01T03:00:00Z", false), NOVEMBER_SNAPSHOT, false, "2026-12-01T09:00:00Z", HOURLY,
                        false),
                Arguments.of("a copy under way: its report is not saved yet", PERIOD, MARKER_AT_0300, NOVEMBER_SNAPSHOT, true,
                        "2026-12-01T05:00:00Z", HOURLY, false),
                Arguments.of("retry-every 0: never again", PERIOD, MARKER_AT_0300, NOVEMBER_SNAPSHOT, false, "2026-12-01T09:00:00Z",
                        Duration.ZERO, false),
                Arguments.of("the cron never fired", null, MARKER_AT_0300, null, false, "2026-12-01T09:00:00Z", HOURLY, false),
                Arguments.of("no copy ever", PERIOD, null, null, false, "2026-12-01T09:00:00Z", HOURLY, false),
                Arguments.of("a first drive, refused while busy: due", PERIOD, MARKER_AT_0300, null, false, "2026-12-01T04:01:00Z",
                        HOURLY, true),
                Arguments.of("a try again begun before the firing kept its snapshot after it: the new period has it", PERIOD,
                        copy(RunStatus.OK, "2026-12-01T02:59:30Z", false), copy(RunStatus.OK, "2026-12-01T02:59:30Z", false), false,
                        "2026-12-01T05:00:00Z", HOURLY, false),
                Arguments.of("a try again begun before the firing, stopped by a marker after it: tried again", PERIOD,
                        copy(RunStatus.FAILED, "2026-12-01T02:59:30Z", true), NOVEMBER_SNAPSHOT, false, "2026-12-01T04:01:00Z", HOURLY,
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_busy_copy_is_tried_again_until_the_period_has_its_snapshot(String name, Instant periodStart, OfflineReport latest,
            OfflineReport lastSnapshot, boolean copying, String now, Duration every, boolean due) {
        RetryDue plan = RetryDue.of(periodStart, latest, lastSnapshot, copying, Instant.parse(now), every);

        assertThat(plan.due()).as(plan.why()).isEqualTo(due);
        assertThat(plan.why()).isNotBlank();
    }

    @Test
    void the_period_begins_at_the_crons_last_firing_in_the_process_zone() throws Exception {
        Clock berlin = Clock.system(ZoneId.of("Europe/Berlin"));

        assertThat(OfflineRetry.lastFiring("0 0 3 1 * ?", berlin, Instant.parse("2026-12-20T10:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        assertThat(OfflineRetry.lastFiring("0 0 3 1 * ?", berlin, Instant.parse("2026-12-01T01:59:59Z")))
                .as("before this month's firing: last month's period").isEqualTo(Instant.parse("2026-11-01T02:00:00Z"));
        assertThat(OfflineRetry.lastFiring("0 0 3 1 * ?", berlin, Instant.parse("2026-12-01T02:00:00Z"))).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        assertThat(OfflineRetry.lastFiring("0 * * * * ?", berlin, Instant.parse("2026-12-01T02:00:30Z"))).isEqualTo(Instant.parse("2026-12-01T02:00:00Z"));
        assertThat(OfflineRetry.lastFiring("0 0 0 1 1 ? 2099", berlin, Instant.parse("2026-12-01T02:00:00Z"))).as("never fired").isNull();
    }

    static Stream<Arguments> nextTries() {
        return Stream.of(
                // name, latest report, now, the next try (null: none)
                Arguments.of("refused 03:00-03:01, looked at 03:30: an hour after it ended", MARKER_AT_0300, "2026-12-01T03:30:00Z",
                        "2026-12-01T04:01:00Z"),
                Arguments.of("due: now", MARKER_AT_0300, "2026-12-01T04:05:00Z", "2026-12-01T04:05:00Z"),
                Arguments.of("no drive: none", copy(RunStatus.WARN, "2026-12-01T03:00:00Z", false), "2026-12-01T03:30:00Z", null),
                Arguments.of("the period's snapshot kept: none", copy(RunStatus.OK, "2026-12-01T03:00:00Z", false), "2026-12-01T03:30:00Z",
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nextTries")
    void the_next_try_is_when_the_busy_copy_of_the_period_is_tried_again(String name, OfflineReport latest, String now, String next) {
        OfflineReport lastSnapshot = latest.status() == RunStatus.OK ? latest : NOVEMBER_SNAPSHOT;
        RetryDue plan = RetryDue.of(PERIOD, latest, lastSnapshot, false, Instant.parse(now), HOURLY);

        assertThat(plan.next()).as(plan.why()).isEqualTo(next == null ? null : Instant.parse(next));
    }
}
