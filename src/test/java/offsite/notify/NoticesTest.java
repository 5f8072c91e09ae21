package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import offsite.report.ImageReport;
import offsite.report.RestoreTestReport;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What goes out after which run: the rules of offsite.notify.when, image backups and dry runs. */
class NoticesTest {

    static final Instant T = Instant.parse("2026-11-24T22:30:00Z");

    static SyncReport sync(RunStatus status, boolean dryRun) {
        return sync(status, false, dryRun);
    }

    static SyncReport sync(RunStatus status, boolean skipped, boolean dryRun) {
        return new SyncReport(status, "reason", skipped, dryRun, T, T.plusSeconds(60), "/set", "s3://b/sets/", Map.of(), SyncReport.Count.NONE,
                0, 0, 0, 0, SyncReport.Count.NONE, null, 0, SyncReport.Count.NONE, 0, 0, 0, List.of(), List.of(), List.of());
    }

    static ImageReport image(RunStatus status) {
        return new ImageReport(status, "reason", "id", "full", "first", T, T.plusSeconds(60), 1, 1, 0, 0, List.of(), 1, List.of(), List.of());
    }

    static RestoreTestReport restoreTest(RunStatus status) {
        return restoreTest("verify-image", status);
    }

    static RestoreTestReport restoreTest(String pipeline, RunStatus status) {
        return new RestoreTestReport(pipeline, status, T, T.plusSeconds(60), List.of("ok       20261124T220000Z  full"), status + ": verdict", null);
    }

    /** A run, the when setting, and what must go out: the report (mail and webhook) and which heartbeat URL (null: none). */
    record Case(String name, Object report, NotifyWhen when, boolean reportSent, String ping) {
    }

    static Stream<Case> cases() {
        MissedWindow missed = new MissedWindow(T, 1, T.minus(Duration.ofDays(2)), false, "0 30 23 ? * *", ZoneId.of("UTC"));
        return Stream.of(
                new Case("good mirror pass, always", sync(RunStatus.OK, false), NotifyWhen.ALWAYS, true, "https://hc.example/p"),
                new Case("good mirror pass, problems only", sync(RunStatus.OK, false), NotifyWhen.PROBLEMS, false, "https://hc.example/p"),
                new Case("mirror pass that warned", sync(RunStatus.WARN, false), NotifyWhen.PROBLEMS, true, "https://hc.example/p"),
                new Case("failed mirror pass", sync(RunStatus.FAILED, false), NotifyWhen.PROBLEMS, true, "https://hc.example/p/fail"),
                new Case("dry run", sync(RunStatus.OK, true), NotifyWhen.ALWAYS, false, null),
                new Case("failed dry run", sync(RunStatus.FAILED, true), NotifyWhen.ALWAYS, false, null),
                new Case("pass skipped: its window had closed", sync(RunStatus.WARN, true, false), NotifyWhen.PROBLEMS, true, null),
                new Case("good image backup, even with always", image(RunStatus.OK), NotifyWhen.ALWAYS, false, "https://hc.example/img"),
                new Case("image backup that warned", image(RunStatus.WARN), NotifyWhen.ALWAYS, true, "https://hc.example/img"),
                new Case("failed image backup", image(RunStatus.FAILED), NotifyWhen.PROBLEMS, true, "https://hc.example/img/fail"),
                // a weekly restore test's OK is news as a mirror pass's is; a heartbeat stands for backups made, not tested
                new Case("good restore test, always", restoreTest(RunStatus.OK), NotifyWhen.ALWAYS, true, null),
                new Case("good restore test, problems only", restoreTest(RunStatus.OK), NotifyWhen.PROBLEMS, false, null),
                new Case("failed restore test", restoreTest(RunStatus.FAILED), NotifyWhen.PROBLEMS, true, null),
                new Case("set restore test put off, problems only", restoreTest("verify", RunStatus.WARN), NotifyWhen.PROBLEMS, true, null),
                new Case("good set restore test, problems only", restoreTest("verify", RunStatus.OK), NotifyWhen.PROBLEMS, false, null),
                new Case("missed window, problems only", missed, NotifyWhen.PROBLEMS, true, null),
                new Case("mirror pass stalled: no heartbeat, a pass that ended is one", new StalledRun("sync", "mirror pass", T,
                        Duration.ofMinutes(30), "planning", Duration.ofMinutes(30)), NotifyWhen.PROBLEMS, true, null),
                new Case("image backup stalled", new StalledRun("image", "image backup", T, Duration.ofMinutes(31), "reading the tree",
                        Duration.ofMinutes(30)), NotifyWhen.PROBLEMS, true, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void each_run_sends_what_the_settings_say(Case c) throws Exception {
        NotifySettings settings = new NotifySettings(c.when(), new MailSettings("smtp.example", 587, MailTls.STARTTLS, null, null,
                "offsite@example.org", List.of("ops@example.org")), URI.create("https://hooks.example/h"), List.of(),
                URI.create("https://hc.example/p"), URI.create("https://hc.example/img"), 3, Duration.ofSeconds(10));
        Notices notices = new Notices(settings, () -> "nas1");

        assertThat(notices.mails(c.report())).hasSize(c.reportSent() ? 1 : 0);
        assertThat(notices.webhooks(c.report())).hasSize(c.reportSent() ? 1 : 0);
        assertThat(notices.heartbeats(c.report()).stream().map(HeartbeatPing::url).toList())
                .isEqualTo(c.ping() == null ? List.of() : List.of(c.ping()));
        notices.mails(c.report()).forEach(m -> assertThat(m.subject()).startsWith("Offsite ").contains(" on nas1: "));
    }

    @Test
    void image_backups_ping_no_heartbeat_without_their_own_url() throws Exception {
        NotifySettings settings = new NotifySettings(NotifyWhen.ALWAYS, null, null, List.of(), URI.create("https://hc.example/p"), null, 3,
                Duration.ofSeconds(10));
        Notices notices = new Notices(settings, () -> "nas1");

        assertThat(notices.heartbeats(image(RunStatus.OK))).isEmpty();
        assertThat(notices.heartbeats(image(RunStatus.FAILED))).isEmpty();
        assertThat(notices.heartbeats(sync(RunStatus.OK, false))).extracting(HeartbeatPing::url).containsExactly("https://hc.example/p");
    }
}
