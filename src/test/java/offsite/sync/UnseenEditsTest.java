package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 3: a chunk rewritten in place with its size and modification time put back. The hash cache keys by
 * change time and inode too; where the cache still holds a stale ETag (as one written by an older version may),
 * verify --deep hashes the local files it samples, and offsite.sync.rehash-percent re-reads a share each night.
 */
class UnseenEditsTest {

    private static final int MB = 1 << 20;
    private static final String EDITED = "Members/AA000002.rdb";

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 6 * MB + 5, 1); // two parts
        app.write(EDITED, 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** Rewrites the file with other bytes of the same size and puts its modification time back. */
    private void editKeepingSizeAndTime() throws Exception {
        Path file = app.source.resolve(EDITED);
        FileTime modified = Files.getLastModifiedTime(file);
        Thread.sleep(20);
        app.write(EDITED, 2 * MB, 22);
        Files.setLastModifiedTime(file, modified);
    }

    /** Makes the hash cache hold the old ETag for the file as it is now, as if it had been hashed at the given time. */
    private void cacheTheOldEtag(Instant hashedAt) throws Exception {
        UploadShape shape = new UploadShape(5L * MB, 5L * MB);
        String remoteEtag = app.client.headObject(b -> b.bucket(app.s3.bucket()).key("sets/" + EDITED)).eTag().replace("\"", "");
        LocalFile now = new SourceScan(app.source, Clock.systemUTC(), false).scan().files().stream()
                .filter(f -> f.relativePath().equals(EDITED)).findFirst().orElseThrow();
        HashCache cache = new HashCache(app.data.resolve("hash-cache.tsv"), 0, Clock.fixed(hashedAt, ZoneOffset.UTC));
        cache.remember(now, shape, remoteEtag);
        cache.save();
    }

    @Test
    void an_edit_that_keeps_size_and_modification_time_is_sent_by_the_next_pass() throws Exception {
        editKeepingSizeAndTime();

        SyncReport next = app.sync();

        assertThat(next.status()).as(next.headline()).isEqualTo(RunStatus.OK);
        assertThat(next.uploaded().files()).isEqualTo(1);
        assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
    }

    @Test
    void verify_deep_hashes_the_local_files_it_samples_and_names_an_edit_the_hash_cache_hides() throws Exception {
        editKeepingSizeAndTime();
        cacheTheOldEtag(Instant.now());
        assertThat(app.command("verify").exit()).as("by size and cached ETag the set looks mirrored").isZero();

        OffsiteHarness.CommandResult deep = app.command("verify", "--deep", "3");

        assertThat(deep.exit()).as(deep.out()).isEqualTo(1);
        assertThat(deep.out()).contains("sets/" + EDITED + ": the local file " + app.source.resolve(EDITED) + " hashes to ")
                .contains("FAILED: 1 difference(s)");
    }

    @Test
    void rehash_percent_re_reads_the_files_hashed_longest_ago_and_sends_an_edit_the_cache_hid_with_a_warning() throws Exception {
        editKeepingSizeAndTime();
        cacheTheOldEtag(Instant.parse("2026-01-01T00:00:00Z")); // hashed long before the others

        SyncReport quiet = app.sync();
        assertThat(quiet.reason()).as("the default, 0: a night without changes hashes nothing").isEqualTo("mirror up to date, nothing to send");
        assertThat(quiet.bytesHashed()).isZero();

        SyncReport rehashed = app.set("offsite.sync.rehash-percent", "1").sync();

        assertThat(rehashed.status()).as(rehashed.headline()).isEqualTo(RunStatus.WARN);
        assertThat(rehashed.reason()).contains("1 file(s) re-hashed found changed", "sets/" + EDITED, "1 file(s) uploaded");
        assertThat(rehashed.notes()).anyMatch(n -> n.startsWith("sets/" + EDITED + ": re-hashed (offsite.sync.rehash-percent)"));
        assertThat(rehashed.bytesHashed()).as("1% of the set: the one file hashed longest ago").isEqualTo(2 * MB);
        assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
    }
}
