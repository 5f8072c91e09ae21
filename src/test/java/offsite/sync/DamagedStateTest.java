package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 4: state damaged in the data directory (hash-cache.tsv) is named, rebuilt where it can be, and never
 * stops the mirror silently.
 */
class DamagedStateTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 6 * MB + 5, 1);
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void a_wrong_md5_in_the_hash_cache_is_refused_by_the_server_and_the_file_is_hashed_and_sent_again_in_the_same_pass() throws Exception {
        Path chunk = app.write("Members/AA000002.rdb", 2 * MB, 22); // a new mtime: replaced under a Content-MD5
        LocalFile now = new SourceScan(app.source, Clock.systemUTC(), false).scan().files().stream()
                .filter(f -> f.path().equals(chunk)).findFirst().orElseThrow();
        HashCache cache = new HashCache(app.data.resolve("hash-cache.tsv"), 0, Clock.systemUTC());
        cache.remember(now, new UploadShape(5L * MB, 5L * MB), "0123456789abcdef0123456789abcdef");
        cache.save();

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        assertThat(report.uploaded().files()).isEqualTo(1);
        assertThat(report.bytesHashed()).as("hashed again once the server refused the cached MD5").isEqualTo(2 * MB);
        assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
        assertThat(app.sync().reason()).as("and the cache holds the right ETag from then on").isEqualTo("mirror up to date, nothing to send");
    }

    @Test
    void a_byte_that_is_not_utf8_in_the_hash_cache_costs_a_re_hash_not_the_start() throws Exception {
        Path cacheFile = app.data.resolve("hash-cache.tsv");
        Files.write(cacheFile, "999\t1\t2\t3\t5242880\t5242880\t0\t900150983cd24fb0d6963f7d28e17f72\t/set/caf\u00e9\n"
                .getBytes(StandardCharsets.ISO_8859_1), StandardOpenOption.APPEND);

        OffsiteHarness.CommandResult result = app.command("sync");

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("OK: mirror up to date, nothing to send");
    }
}
