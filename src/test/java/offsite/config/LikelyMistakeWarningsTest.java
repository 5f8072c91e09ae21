package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A value that is valid but more likely a mistake than meant is said at start, in one WARN naming the setting, the value
 * and what it does, and the command runs as set: it was accepted without a word.
 */
class LikelyMistakeWarningsTest {

    @TempDir
    Path dir;

    record Warned(String name, String value, String warning) {
    }

    static Stream<Warned> warnings() {
        return Stream.of(
                new Warned("offsite.sync.trash-days", "0", "offsite.sync.trash-days=0: what a pass deletes or replaces is purged from"
                        + " the trash by the first pass of a later day (UTC), so a file lost or damaged in the source can be got back until"
                        + " then at most (the default, 30, keeps it a month)"),
                new Warned("offsite.sync.max-change-percent", "0", "offsite.sync.max-change-percent=0: every pass that would replace a"
                        + " stored file (one that changed or grew) is refused until `sync --accept-changes`; 0 does not turn this"
                        + " limit off, 100 does"),
                // crontab's Monday to Saturday with Quartz's seconds added: valid, and Saturday's set never mirrored
                new Warned("offsite.sync.cron", "0 30 23 ? * 1-6", "offsite.sync.cron='0 30 23 ? * 1-6': Quartz counts the days of the"
                        + " week from 1 for Sunday (crontab from 1 for Monday), so this runs on SUN-FRI; write the days as names"
                        + " ('SUN-FRI') to say so plainly"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("warnings")
    void a_likely_mistake_is_a_warn_at_start_naming_setting_value_and_consequence(Warned w) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); LogLines log = new LogLines()) {
            app.write("Members/AA000001.rdb", 4096, 1);
            app.set(w.name(), w.value());

            OffsiteHarness.CommandResult sync = app.command("sync");

            assertThat(sync.exit()).as(sync.out()).isZero();
            assertThat(log.lines()).filteredOn(l -> l.contains(w.name() + "=")).containsExactly("WARN " + w.warning());
        }
    }

    @Test
    void the_defaults_warn_of_nothing() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); LogLines log = new LogLines()) {
            app.write("Members/AA000001.rdb", 4096, 1);

            assertThat(app.command("sync").exit()).isZero();
            List<String> lines = log.lines();
            assertThat(lines).noneMatch(l -> l.contains("offsite.sync.trash-days=") || l.contains("offsite.sync.max-change-percent="));
        }
    }

    /** offsite.image.keep's "6m" counts months, the line above it counts minutes: each hourly backup would be a complete image. */
    @Test
    void an_image_max_age_in_minutes_is_a_warn_at_start_of_the_image_command() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); LogLines log = new LogLines()) {
            Path tree = Files.createDirectories(dir.resolve("machine/etc"));
            Files.writeString(tree.resolve("hostname"), "host-a\n");
            app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.image.keys-dir", dir.resolve("no-keys").toString())
                    .set("offsite.image.full-max-age", "3m");

            OffsiteHarness.CommandResult image = app.command("image");

            assertThat(image.exit()).as(image.out()).isZero();
            assertThat(log.lines()).filteredOn(l -> l.contains("offsite.image.full-max-age=")).containsExactly("WARN"
                    + " offsite.image.full-max-age=3m is counted in minutes or less (in offsite.image.keep an 'm' counts months): every"
                    + " backup made 3m or more after the last complete image sends the whole image again; a month is 30d");
        }
    }
}
