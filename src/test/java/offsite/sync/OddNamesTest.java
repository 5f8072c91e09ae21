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
        String base = folder.toUri().getRawPath();
        Path file = Path.of(URI.create("file://" + (base.endsWith("/") ? base : base + "/") + percentEncodedName));
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
    void a_file_whose_key_would_pass_s3s_1024_bytes_is_held_and_named_and_the_rest_is_sent() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            String folder = "f".repeat(250);
            String deep = String.join("/", folder, folder, folder, folder) + "/chunk.rdb"; // "sets/" and this: 1,018 bytes
            String deeper = String.join("/", folder, folder, folder, folder) + "/chunk-000000001.rdb"; // 1,028 bytes
            app.write(deep, 1000, 1);
            app.write(deeper, 1000, 2);
            app.write("short.rdb", 1000, 3);

            SyncReport report = app.sync();

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.WARN);
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys(deep, "short.rdb");
            assertThat(report.text()).contains("chunk-000000001.rdb: its key would be longer than S3's 1024 bytes: not sent (shorten the path)");
        }
    }
}
