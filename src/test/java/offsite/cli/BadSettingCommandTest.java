package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad value in the settings file stops the command that reads it before anything runs: exit 2 and one line on standard
 * error naming the setting, the value and what was expected, no stack trace. The settings here are those the application's
 * configuration reads itself, outside the readers SettingsTest covers.
 */
class BadSettingCommandTest {

    @TempDir
    Path dir;

    /**
     * A setting, its bad value (FILE: a plain file's path; LINK: a symbolic link to the source folder, TARGET: that folder's
     * real path, ABOVE: the folder that holds it), the command run, what is expected, and settings it needs beside it (SET: the source folder, in the value too).
     */
    record Bad(String name, String value, String command, String expected, Map<String, String> alongside) {

        Bad(String name, String value, String command, String expected) {
            this(name, value, command, expected, Map.of());
        }
    }

    /** The image command needs something to back up, or it stops on that first. */
    static final Map<String, String> IMAGE = Map.of("offsite.image.roots", "ABOVE");

    static Stream<Bad> badValues() {
        return Stream.of(
                new Bad("offsite.sync.streams", "abc", "sync", "a whole number from 1 to 64"),
                new Bad("offsite.data.dir", "FILE", "sync", "a folder, or nothing there yet: FILE is a file"),
                new Bad("offsite.activity.rotate-size", "64", "sync", "a size from 1MB to 1TB; a number alone counts bytes"),
                new Bad("offsite.activity.held-requests", "10", "status", "a whole number from 1000 to 2147483647"),
                new Bad("offsite.http.port", "0", "image", "a whole number from 1 to 65535", IMAGE),
                new Bad("offsite.s3.embedded-port", "-1", "sync", "a whole number from 0 to 65535", Map.of("offsite.s3.endpoint", "embedded")),
                new Bad("offsite.s3.etag", "sha1", "verify", "auto, md5 or opaque"),
                new Bad("offsite.s3.storage-class", "DEEP_ARCHIVE", "sync", "empty (the service's default) or one of STANDARD, STANDARD_IA,"
                        + " ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, REDUCED_REDUNDANCY; DEEP_ARCHIVE objects cannot be read without a"
                        + " restore request first (hours), and Offsite reads its objects back: trash moves copy them, restore-set, verify and"
                        + " restore-image read them. A bucket lifecycle rule can move what Offsite no longer reads (the trash, retired"
                        + " generations) there"),
                new Bad("offsite.sync.rehash-percent", "5%", "sync", "a number from 0.0 to 100.0"),
                // every route is built whatever the command: a schedule it does not use is still parsed by its quartz endpoint
                new Bad("offsite.offline.cron", "bad", "status", "a Quartz cron expression with seconds, such as '0 30 23 ? * MON-SAT';"
                        + " Quartz says: Illegal characters for this position: 'BAD'"),
                new Bad("offsite.image.verify-cron", "0 30 12 * * SUN", "status", "a Quartz cron expression with seconds, such as '0 30 23 ?"
                        + " * MON-SAT'; Quartz says: Support for specifying both a day-of-week AND a day-of-month parameter is not implemented."),
                new Bad("offsite.sync.verify-cron", "30 13 * * 0", "status", "a Quartz cron expression with seconds, such as '0 30 23 ? *"
                        + " MON-SAT'; Quartz says: Month values must be between 1 and 12; it has 5 fields, as a crontab line: Quartz's begin with"
                        + " seconds, take ? in day-of-month or day-of-week, and count the days of the week from 1 for Sunday (crontab's 30 23"
                        + " * * 1-6 is '0 30 23 ? * MON-SAT')"),
                new Bad("offsite.sync.verify-files", "0", "status", "a whole number from 1 to 1000"),
                new Bad("offsite.sync.cron", "0 0 3 * * MON", "image", "a Quartz cron expression with seconds, such as '0 30 23 ? * MON-SAT';"
                        + " Quartz says: Support for specifying both a day-of-week AND a day-of-month parameter is not implemented.", IMAGE),
                // a pass lists its whole prefix and trashes what the set lacks: image backups must live outside it
                new Bad("offsite.image.prefix", "sets/images/", "sync", "a prefix outside offsite.sync.prefix ('sets/') and its later"
                        + " generations ('sets.g2/' and on): a pass moves whatever the set lacks under it to the trash"),
                new Bad("offsite.image.prefix", "images/", "sync", "a prefix outside offsite.sync.prefix ('images/sets/') and its later"
                        + " generations ('images/sets.g2/' and on): a pass moves whatever the set lacks under it to the trash",
                        Map.of("offsite.sync.prefix", "images/sets/")),
                new Bad("offsite.image.prefix", "sets/", "status", "a prefix outside offsite.sync.prefix ('sets/') and its later"
                        + " generations ('sets.g2/' and on): a pass moves whatever the set lacks under it to the trash"),
                new Bad("offsite.image.prefix", "backup/images/", "image", "a prefix outside offsite.sync.prefix ('backup/') and its later"
                        + " generations ('backup.g2/' and on): a pass moves whatever the set lacks under it to the trash",
                        Map.of("offsite.image.roots", "SET", "offsite.sync.prefix", "backup/")),
                new Bad("offsite.image.prefix", "sets.g3/", "verify", "a prefix outside offsite.sync.prefix ('sets/') and its later"
                        + " generations ('sets.g2/' and on): a pass moves whatever the set lacks under it to the trash"),
                new Bad("offsite.image.prefix", "trash/images/", "sync", "a prefix outside offsite.sync.trash-prefix ('trash/'): each"
                        + " pipeline keeps its own"),
                new Bad("offsite.sync.follow-symlinks", "sometimes", "sync", "true or false"),
                new Bad("offsite.offline.require-mount", "perhaps", "image", "true or false", IMAGE),
                // the offline command checks the destination as run does: a relative one depends on the working folder
                new Bad("offsite.offline.destination", "usb-backup", "offline", "an absolute path, the mount point of the drive the"
                        + " copies go to: a relative one would depend on the folder Offsite is started from"),
                // the same for the set itself: a relative source named another folder, or none, from another working folder
                new Bad("offsite.sync.source", "backup-sets/Set A", "sync", "an absolute path, the folder the backup application writes its"
                        + " sets to: a relative one would depend on the folder Offsite is started from"),
                new Bad("offsite.sync.source", "./set", "verify", "an absolute path, the folder the backup application writes its sets to:"
                        + " a relative one would depend on the folder Offsite is started from"),
                new Bad("offsite.offline.destination", "FILE", "offline", "a folder, the mount point of the drive the copies go to"),
                // the copy copies the backup set: without one, run's monthly copy had a null source to copy
                new Bad("offsite.offline.destination", "/tmp", "offline", "empty while offsite.sync.source is empty: the offline copy"
                        + " copies the backup set, and there is none to copy", Map.of("offsite.sync.source", "")),
                // a drive mounted inside the set: each snapshot mirrored to S3 and copied into the next, a set that never holds still
                new Bad("offsite.offline.destination", "SET", "offline", "a folder outside offsite.sync.source ('SET'): a snapshot inside"
                        + " the backup set would be mirrored to S3 with it and copied into every later snapshot"),
                new Bad("offsite.offline.destination", "SET/usb", "offline", "a folder outside offsite.sync.source ('SET'): a snapshot"
                        + " inside the backup set would be mirrored to S3 with it and copied into every later snapshot"),
                new Bad("offsite.offline.destination", "ABOVE", "offline", "a folder that does not hold offsite.sync.source ('SET'): a"
                        + " snapshot beside the set, on the disk that holds it, is no offline copy"),
                // the set as an image root: left out of images, which would hold nothing of it, every hour
                new Bad("offsite.image.roots", "SET", "image", "folders outside offsite.sync.source ('SET'), which has a pipeline of its"
                        + " own and which image backups leave out"),
                // audit careless-cli.md: the data directory as the source mirrored Offsite's own state and skipped every pass
                new Bad("offsite.data.dir", "SET", "sync", "another folder than offsite.sync.source ('SET'), the backup set: Offsite's own"
                        + " state (activity log, hash cache, reports) would be mirrored with it, and every pass skipped as the backup"
                        + " application looking busy; a folder inside the source is kept out of it"),
                // audit image.md finding 8: the walk never follows a root that is a link, so the image held the link alone, OK
                new Bad("offsite.image.roots", "LINK", "image", "folders that are not symbolic links: LINK leads to TARGET; name TARGET"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void a_bad_value_stops_the_command_with_exit_2_and_one_line_naming_setting_value_and_expectation(Bad bad) throws Exception {
        String file = Files.writeString(dir.resolve("a-file"), "not a folder").toString();
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Members/AA000001.rdb", 4096, 1);
            String link = Files.createSymbolicLink(dir.resolve("a-link"), app.source).toString();
            String target = app.source.toRealPath().toString();
            app.set(bad.name(), bad.value().replace("FILE", file).replace("LINK", link).replace("SET", app.source.toString())
                    .replace("ABOVE", app.source.getParent().toString()));
            bad.alongside().forEach((name, value) -> app.set(name, value.replace("SET", app.source.toString())
                    .replace("ABOVE", app.source.getParent().toString())));

            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = app.command(bad.command()).exit();
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            List<String> lines = said.lines().filter(l -> l.startsWith("offsite: ")).toList();
            assertThat(exit).as(said).isEqualTo(2);
            assertThat(lines).containsExactly(("offsite: " + bad.name() + ": '" + bad.value() + "' is not valid (expected " + bad.expected() + ")")
                    .replace("FILE", file).replace("LINK", link).replace("TARGET", target).replace("SET", app.source.toString())
                    .replace("ABOVE", app.source.getParent().toString()));
            assertThat(said).as("no stack trace").doesNotContain("\tat ");
            assertThat(app.bucketFiles("")).as("nothing ran").isEmpty();
        }
    }

    /**
     * restore-image took a start refused for a mistyped name (or a missing routes folder) for a restore that fell short:
     * "FAILED: ..." on standard output, exit 1.
     */
    @Test
    void a_mistyped_setting_stops_restore_image_with_exit_2_as_every_other_command() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.set("offsite.image.prefx", "images/");

            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            OffsiteHarness.CommandResult result;
            try {
                result = app.command("restore-image", "--to", dir.resolve("restored").toString());
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(result.exit()).as(said + result.out()).isEqualTo(2);
            assertThat(said.lines().filter(l -> l.startsWith("offsite: ")))
                    .containsExactly("offsite: offsite.image.prefx: 'images/' is not a setting (in " + app.data.resolveSibling(
                            "test-application.properties") + "); did you mean offsite.image.prefix?");
            assertThat(result.out()).doesNotContain("FAILED");
        }
    }

    /** A -D (or environment variable) left empty overrode a source the settings file sets: the refusal said only "is empty". */
    @Test
    void a_source_emptied_by_a_d_option_is_named_in_the_refusal() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setProperty("offsite.sync.source", ""); // bin/offsite -Doffsite.sync.source="$SET", $SET unset
            int exit;
            try {
                exit = app.command("sync").exit();
            } finally {
                System.clearProperty("offsite.sync.source");
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(said).isEqualTo(2);
            assertThat(said.lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: offsite.sync.source is empty: the"
                    + " backup-set mirror is off (set it to the directory to mirror); -Doffsite.sync.source= sets it empty, over the settings"
                    + " file");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"offsite.data.dir", "offsite.s3.bucket", "offsite.sync.streams", "offsite.sync.cron"})
    void a_setting_emptied_by_a_d_option_is_named_in_the_refusal(String name) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Members/AA000001.rdb", 4096, 1);
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setProperty(name, ""); // bin/offsite -D<name>="$VALUE", $VALUE unset: over the settings file's value
            int exit;
            try {
                exit = app.command("sync").exit();
            } finally {
                System.clearProperty(name);
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(said).isEqualTo(2);
            assertThat(said.lines().filter(l -> l.startsWith("offsite: "))).singleElement().asString()
                    .startsWith("offsite: " + name + ": ''").endsWith("; -D" + name + "= sets it empty, over the settings file");
            assertThat(app.bucketFiles("")).as("nothing ran").isEmpty();
        }
    }
}
