package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which window a restart reports: the cron fired after the last report began, and was the process up then? */
class MissedWindowTest {

    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    static final String NIGHTLY = "0 30 23 ? * MON-SAT";

    /** now, the last report's start, the previous process's last sign of life; expected window (null: none), count, running. */
    record Case(String name, String now, String lastReport, String lastAlive, String window, int windows, boolean wasRunning) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no report yet: a fresh install misses nothing", "2026-11-25T08:00:00Z", null, null, null, 0, false),
                new Case("last night's pass reported", "2026-11-25T08:00:00Z", "2026-11-24T22:31:00Z", "2026-11-25T07:59:00Z", null, 0, false),
                new Case("down over one night", "2026-11-25T08:00:00Z", "2026-11-23T22:31:00Z", "2026-11-24T10:00:00Z",
                        "2026-11-24T22:30:00Z", 1, false),
                new Case("down over three nights, Sunday skipped by the cron", "2026-11-24T08:00:00Z", "2026-11-20T22:35:00Z",
                        "2026-11-21T09:00:00Z", "2026-11-23T22:30:00Z", 2, false),
                new Case("running at the window, stopped before the pass ended", "2026-11-25T08:00:00Z", "2026-11-23T22:31:00Z",
                        "2026-11-24T22:41:00Z", "2026-11-24T22:30:00Z", 1, true),
                new Case("no mark of an earlier process: taken as down", "2026-11-25T08:00:00Z", "2026-11-23T22:31:00Z", null,
                        "2026-11-24T22:30:00Z", 1, false),
                new Case("a one-shot sync in the afternoon covers the night before", "2026-11-25T08:00:00Z", "2026-11-24T23:10:00Z", null,
                        null, 0, false),
                new Case("restarted before tonight's window", "2026-11-25T21:00:00Z", "2026-11-24T22:31:00Z", "2026-11-25T20:00:00Z",
                        null, 0, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_restart_reports_the_last_window_without_a_report(Case c) throws Exception {
        Optional<MissedWindow> found = MissedWindow.find(NIGHTLY, PARIS, Instant.parse(c.now()),
                c.lastReport() == null ? null : Instant.parse(c.lastReport()), c.lastAlive() == null ? null : Instant.parse(c.lastAlive()));

        assertThat(found.map(MissedWindow::window)).isEqualTo(Optional.ofNullable(c.window()).map(Instant::parse));
        found.ifPresent(w -> {
            assertThat(w.windows()).isEqualTo(c.windows());
            assertThat(w.processWasRunning()).isEqualTo(c.wasRunning());
            assertThat(w.headline()).startsWith("WARN: ").contains(c.wasRunning() ? "left no report: Offsite stopped before it finished"
                    : "passed while Offsite was not running");
        });
    }
}
