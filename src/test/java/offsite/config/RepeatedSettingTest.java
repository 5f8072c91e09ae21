package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import offsite.cli.OffsiteCommand;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A setting the settings file gives twice with different values is a WARN at start naming the file, both lines and the
 * one used: a line added at the top of the shipped file, which sets every setting, was undone by its own further down.
 */
class RepeatedSettingTest {

    @TempDir
    Path dir;

    /** The harness's settings with lines put before them, as a user adds theirs at the top of the shipped file. */
    private static Path configWithLinesAbove(OffsiteHarness app, Path file, String above) throws Exception {
        app.writeConfig(file);
        Files.writeString(file, above + Files.readString(file, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1);
        return file;
    }

    private static int lineOf(Path file, String start) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(start)) {
                return i + 1;
            }
        }
        throw new AssertionError(start + " is not in " + file);
    }

    @Test
    void a_setting_given_twice_with_different_values_is_a_warn_naming_both_lines_and_the_one_used() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app")); LogLines log = new LogLines()) {
            app.write("Members/AA000001.rdb", 4096, 1);
            Path config = configWithLinesAbove(app, dir.resolve("application.properties"), "# mine\noffsite.sync.streams = 8\n");
            int used = lineOf(config, "offsite.sync.streams=");

            int exit = OffsiteCommand.execute("--config", config.toString(), "sync");

            assertThat(exit).isZero();
            assertThat(log.lines()).filteredOn(l -> l.contains("set twice")).containsExactly("WARN offsite.sync.streams is set twice in "
                    + config + " with different values: '8' on line 2, '3' on line " + used + "; the last one (line " + used
                    + ") is used: remove the other");
        }
    }

    @Test
    void a_secret_given_twice_is_named_without_its_values() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app")); LogLines log = new LogLines()) {
            app.write("Members/AA000001.rdb", 4096, 1);
            Path config = configWithLinesAbove(app, dir.resolve("application.properties"), "offsite.s3.secret-key=an-old-secret\n");

            OffsiteCommand.execute("--config", config.toString(), "sync");

            assertThat(log.lines()).filteredOn(l -> l.contains("set twice")).singleElement().asString()
                    .startsWith("WARN offsite.s3.secret-key is set twice in " + config + " with different values: (value hidden) on line 1,"
                            + " (value hidden) on line ")
                    .doesNotContain("an-old-secret").doesNotContain(app.s3.secretKey());
        }
    }

    @Test
    void the_same_value_twice_and_continued_lines_warn_of_nothing() throws Exception {
        Path file = Files.writeString(dir.resolve("application.properties"), "offsite.sync.streams=4\n# again\noffsite.sync.streams = 4\n"
                + "offsite.image.roots=/etc,\\\n    /home\noffsite.image.roots=/etc,/home\n! a comment = not a setting\n");

        assertThat(RepeatedSetting.in(file)).isEmpty();
    }
}
