package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Issue 15, item 11: a file name that is not valid UTF-8 (Latin-1 from an old backup application) was never
 * uploaded and WARNed every night. Its key now holds its bytes escaped as rclone writes them (‛E9), and a restore
 * writes the name back with its own bytes.
 */
class OddNamesTest {

    @TempDir
    Path dir;

    /** A file named with raw bytes (no string can name it once Java has decoded it). */
    private static Path rawNamed(Path folder, String percentEncodedName, byte[] content) throws Exception {
        Path file = raw(folder, percentEncodedName);
        Files.write(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        return file;
    }

    private static List<String> rawNames(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.toUri().getRawPath().substring(p.toUri().getRawPath().lastIndexOf('/') + 1)).sorted().toList();
        }
    }

    @Test
    void issue15_a_name_that_is_not_utf8_is_stored_with_its_bytes_escaped_and_restored_with_them() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            rawNamed(app.source, "caf%E9.rdb", "latin-1 e-acute".getBytes());
            rawNamed(app.source, "caf%E8.rdb", "latin-1 e-grave".getBytes()); // decodes to the same string as the first in Java
            app.write("café.rdb", 1000, 3); // the same word in UTF-8: a third file, its own key

            SyncReport first = app.sync();

            assertThat(first.status()).as(first.text()).isEqualTo(RunStatus.OK);
            assertThat(first.uploaded().files()).isEqualTo(3);
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys("caf\u201BE9.rdb", "caf\u201BE8.rdb", "café.rdb");
            SyncReport second = app.sync();
            assertThat(second.reason()).as(second.text()).isEqualTo("mirror up to date, nothing to send");

            Path restored = dir.resolve("restored");
            OffsiteHarness.CommandResult restore = app.command("restore-set", "--to", restored.toString());

            assertThat(restore.exit()).as(restore.out()).isZero();
            assertThat(rawNames(restored).stream().filter(n -> !n.startsWith("."))).isEqualTo(rawNames(app.source));
            assertThat(Files.readString(KeyName.resolve(restored, "caf\u201BE9.rdb"))).isEqualTo("latin-1 e-acute");
            assertThat(Files.readString(KeyName.resolve(restored, "caf\u201BE8.rdb"))).isEqualTo("latin-1 e-grave");
        }
    }

    @Test
    void a_file_whose_key_or_its_trash_copys_would_pass_s3s_1024_bytes_is_held_and_named_and_the_rest_is_sent() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            String folder = "f".repeat(250);
            String fits = String.join("/", "g".repeat(241), "g".repeat(241), "g".repeat(241), "g".repeat(241)) + "/chunk.rdb"; // 982 bytes
            String deep = String.join("/", folder, folder, folder, folder) + "/chunk.rdb"; // "sets/" and this: 1,018 bytes
            String deeper = String.join("/", folder, folder, folder, folder) + "/chunk-000000001.rdb"; // 1,028 bytes
            app.write(fits, 1000, 4);
            app.write(deep, 1000, 1);
            app.write(deeper, 1000, 2);
            app.write("short.rdb", 1000, 3);

            SyncReport report = app.sync();

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.WARN);
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys(fits, "short.rdb");
            assertThat(report.text()).contains("chunk-000000001.rdb: its key would be longer than S3's 1024 bytes: not sent (shorten the path)")
                    .contains("/chunk.rdb: its key leaves no room for its copy in the trash (trash/DAY/KEY.~HHMMSS~ would pass S3's 1024"
                            + " bytes): not sent (shorten the path)");
        }
    }

    @Test
    void an_object_stored_before_the_trash_rule_stays_mirrored_as_it_was() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            String folder = "f".repeat(250);
            String deep = String.join("/", folder, folder, folder, folder) + "/chunk.rdb"; // 1,018 bytes: no room in the trash
            app.write(deep, 1000, 1);
            app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets/" + deep), RequestBody.fromFile(app.source.resolve(deep)));

            SyncReport report = app.sync();

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.OK);
            assertThat(report.actions().get("unchanged").files()).isEqualTo(1);
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys(deep);
        }
    }

    /** A name as its raw bytes (percent-encoded), and the key part it must have. */
    record Named(String why, String rawName, String key) {
        @Override
        public String toString() {
            return why;
        }
    }

    static Stream<Named> names() {
        return Stream.of(
                new Named("plain UTF-8: the key it always had", "caf%C3%A9.rdb", "café.rdb"),
                new Named("Latin-1: its byte escaped, the key it always had", "caf%E9.rdb", "caf\u201BE9.rdb"),
                new Named("UTF-8 holding the escape's own form", "caf%E2%80%9BE9.rdb", "caf\u201B\u201BE9.rdb"),
                new Named("UTF-8 holding an escape of an ASCII byte", "a%E2%80%9B41b.rdb", "a\u201B\u201B41b.rdb"),
                new Named("a quote not followed by hex, and one at the end", "x%E2%80%9By%E2%80%9B", "x\u201B\u201By\u201B\u201B"),
                new Named("two quotes", "%E2%80%9B%E2%80%9B.rdb", "\u201B\u201B\u201B\u201B.rdb"),
                new Named("a quote before a Latin-1 byte", "%E2%80%9B%E9.rdb", "\u201B\u201B\u201BE9.rdb"),
                new Named("a Latin-1 folder and a quote in the file name", "d%E9/x%E2%80%9B.rdb", "d\u201BE9/x\u201B\u201B.rdb"));
    }

    /** The path under folder named by these raw bytes (percent-encoded, '/' between parts). */
    private static Path raw(Path folder, String percentEncodedName) {
        String base = folder.toAbsolutePath().toUri().getRawPath();
        return Path.of(URI.create("file://" + (base.endsWith("/") ? base : base + "/") + percentEncodedName));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void every_name_has_a_key_of_its_own_that_gives_back_its_bytes(Named c) {
        Path file = raw(dir.resolve("set"), c.rawName());

        String key = KeyName.of(dir.resolve("set"), file);

        assertThat(key).isEqualTo(c.key());
        assertThat(KeyName.resolve(dir.resolve("restored"), key).toUri()).isEqualTo(raw(dir.resolve("restored"), c.rawName()).toUri());
    }

    /** A key an earlier Offsite stored, and the raw name it stands for. */
    record StoredKey(String why, String key, String rawName) {
        @Override
        public String toString() {
            return why;
        }
    }

    static Stream<StoredKey> storedKeys() {
        return Stream.of(
                new StoredKey("a Latin-1 byte", "caf\u201BE9.rdb", "caf%E9.rdb"),
                new StoredKey("a quote not followed by hex: itself", "a\u201Bb.rdb", "a%E2%80%9Bb.rdb"),
                new StoredKey("a quote before an ASCII byte's hex: itself, never that byte", "a\u201B41b.rdb", "a%E2%80%9B41b.rdb"),
                new StoredKey("quoted dots: never '..'", "\u201B2E\u201B2E/x.rdb", "%E2%80%9B2E%E2%80%9B2E/x.rdb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storedKeys")
    void a_key_stored_before_quotes_were_doubled_restores_to_the_name_it_was_made_from(StoredKey c) {
        assertThat(KeyName.resolve(dir, c.key()).toUri()).isEqualTo(raw(dir, c.rawName()).toUri());
    }

    @Test
    void a_latin1_name_and_a_utf8_name_spelling_its_escape_are_two_objects_and_each_is_restored_as_it_was() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            rawNamed(app.source, "caf%E9.rdb", "latin-1 e-acute".getBytes());
            rawNamed(app.source, "caf%E2%80%9BE9.rdb", "utf-8, the escape written out".getBytes());

            SyncReport first = app.sync();

            assertThat(first.status()).as(first.text()).isEqualTo(RunStatus.OK);
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys("caf\u201BE9.rdb", "caf\u201B\u201BE9.rdb");
            assertThat(app.sync().reason()).isEqualTo("mirror up to date, nothing to send");

            Path restored = dir.resolve("restored");
            OffsiteHarness.CommandResult restore = app.command("restore-set", "--to", restored.toString());

            assertThat(restore.exit()).as(restore.out()).isZero();
            assertThat(restore.out()).contains("OK: 2 of 2 objects restored");
            assertThat(rawNames(restored).stream().filter(n -> !n.startsWith("."))).isEqualTo(rawNames(app.source));
            assertThat(Files.readString(raw(restored, "caf%E9.rdb"))).isEqualTo("latin-1 e-acute");
            assertThat(Files.readString(raw(restored, "caf%E2%80%9BE9.rdb"))).isEqualTo("utf-8, the escape written out");
        }
    }

}
