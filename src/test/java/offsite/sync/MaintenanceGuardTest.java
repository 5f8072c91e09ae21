package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceGuardTest {

    @TempDir
    Path dir;

    private final Instant t0 = Instant.parse("2026-11-30T03:00:00Z");

    @Test
    void a_marker_that_appears_during_a_pass_is_seen_within_a_second_and_a_glob_is_walked_at_most_once_a_second() throws Exception {
        Files.createDirectories(dir.resolve("set/folder000"));
        MaintenanceGuard guard = new MaintenanceGuard(List.of(dir + "/set/**/groom.lock"), Duration.ZERO);

        assertThat(guard.markerPresentLately(t0)).isEmpty();
        Files.createFile(dir.resolve("set/folder000/groom.lock"));
        assertThat(guard.markerPresentLately(t0.plusMillis(999))).as("the look of t0 still holds").isEmpty();
        assertThat(guard.markerPresentLately(t0.plusSeconds(1))).hasValueSatisfying(reason -> assertThat(reason)
                .contains(dir.resolve("set/folder000/groom.lock").toString()).contains("offsite.sync.maintenance-marker"));
        assertThat(guard.markerPresent()).as("the exact look, at a pass's start").isPresent();
    }

    @Test
    void a_marker_gone_is_noticed_at_the_next_look_and_a_clock_set_back_looks_again() throws Exception {
        Path lock = Files.createFile(dir.resolve("app.lock"));
        MaintenanceGuard guard = new MaintenanceGuard(List.of(dir + "/*.lock"), Duration.ZERO);

        assertThat(guard.markerPresentLately(t0)).isPresent();
        Files.delete(lock);
        assertThat(guard.markerPresentLately(t0.plusMillis(500))).isPresent();
        assertThat(guard.markerPresentLately(t0.minusSeconds(60))).as("clock set back").isEmpty();
        Files.createFile(lock);
        assertThat(guard.markerPresentLately(t0.minusSeconds(59))).isPresent();
        assertThat(guard.markerPresent()).isPresent();
        Files.delete(lock);
        assertThat(guard.markerPresent()).isEmpty();
    }

    @Test
    void the_quiet_period_names_the_newest_file_its_age_and_the_setting_and_a_file_ahead_of_the_clock_says_so() {
        MaintenanceGuard guard = new MaintenanceGuard(List.of(), Duration.ofMinutes(10));
        List<LocalFile> set = List.of(new LocalFile("a.rdb", dir.resolve("a.rdb"), 1, t0.minusSeconds(400)),
                new LocalFile("b.rdb", dir.resolve("b.rdb"), 1, t0.minusSeconds(45)), new LocalFile("c.rdb", dir.resolve("c.rdb"), 1, t0.minusSeconds(3600)));

        assertThat(guard.busy(t0, set)).hasValue("source file b.rdb was modified at 2026-11-30T02:59:15Z, 45 s ago, within"
                + " offsite.sync.quiet-period (10 min)");
        assertThat(guard.busy(t0.plusSeconds(600), set)).isEmpty();
        assertThat(MaintenanceGuard.modifiedWithin("offsite.sync.stable-for", Duration.ofMinutes(2), t0.minusSeconds(3700), set))
                .hasValueSatisfying(reason -> assertThat(reason).contains("b.rdb").contains("in the future (is a clock wrong?)"));
        assertThat(MaintenanceGuard.modifiedWithin("offsite.sync.stable-for", Duration.ZERO, t0, set)).as("0: no such check").isEmpty();
    }
}
