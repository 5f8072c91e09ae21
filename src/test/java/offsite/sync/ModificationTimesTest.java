package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import offsite.store.MtimeMetadata;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Modification times kept through the bucket, as rclone keeps them (x-amz-meta-mtime), against S3Proxy. */
class ModificationTimesTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void start() throws Exception {
        app = new OffsiteHarness(dir);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** Writes a source file and gives it this modification time, nanoseconds included. */
    private void write(String relative, int size, long seed, Instant modified) throws Exception {
        Files.setLastModifiedTime(app.write(relative, size, seed), FileTime.from(modified));
    }

    /** Each stored object's mtime metadata, by key under sets/. */
    private Map<String, String> storedMtimes() {
        Map<String, String> out = new TreeMap<>();
        for (S3Object o : TestS3.list(app.client, app.s3.bucket(), "sets/")) {
            if (o.key().endsWith("/")) {
                continue; // S3Proxy's folder markers
            }
            String mtime = app.client.headObject(b -> b.bucket(app.s3.bucket()).key(o.key())).metadata().get(MtimeMetadata.NAME);
            out.put(o.key(), String.valueOf(mtime));
        }
        return out;
    }

    @Test
    void every_upload_stores_the_files_modification_time_as_rclones_mtime_metadata() throws Exception {
        write("new.rdb", 999, 1, Instant.parse("2026-11-02T03:04:05.123456789Z"));
        write("Members/AA000001.rdb", 11 * MB + 7, 2, Instant.parse("2026-11-03T03:04:05Z")); // multipart: three parts
        write("replaced.rdb", 2000, 3, Instant.parse("2026-11-04T03:04:05.5Z"));
        assertThat(app.sync().status().name()).isEqualTo("OK");
        write("replaced.rdb", 2000, 4, Instant.parse("2026-11-05T03:04:05.000000001Z")); // a PUT over an object, with Content-MD5

        assertThat(app.sync().status().name()).isEqualTo("OK");

        assertThat(storedMtimes()).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "sets/Members/AA000001.rdb", "1793675045",
                "sets/new.rdb", "1793588645.123456789",
                "sets/replaced.rdb", "1793847845.000000001")));
    }
}
