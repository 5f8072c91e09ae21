package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.Fallbacks;
import offsite.store.Generations;
import offsite.store.S3Bucket;
import offsite.testing.OffsiteHarness;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Issue 15, item 4: state damaged in the bucket (sets.generations.json) or in the data directory (hash-cache.tsv)
 * is named, rebuilt where it can be, refused where using it could cost data, and never stops the mirror silently.
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

    private Generations generations() {
        return new Generations(new S3Bucket(app.client, app.s3, new Fallbacks()), "sets/");
    }

    private void putState(String json) {
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets.generations.json"), RequestBody.fromString(json));
    }

    /** A second generation, complete, beside the first; then one more file, which must go to the current one. */
    private void secondGenerationAndANewFile() throws Exception {
        assertThat(app.command("sync", "--new-generation").exit()).isZero();
        assertThat(generations().load().current()).isEqualTo(2);
        app.write("Members/AA000003.rdb", 1000, 4);
    }

    @Test
    void a_generations_state_that_is_not_json_is_rebuilt_from_the_prefixes_and_the_mirror_goes_on_in_the_current_one() throws Exception {
        secondGenerationAndANewFile();
        putState("{ this is not JSON");
        Main running = app.startRunning(); // one process, as the nightly one: a pass that failed to begin held it busy for good
        SyncReport rebuilt;
        SyncReport next;
        try {
            ProducerTemplate template = running.getCamelContext().createProducerTemplate();
            rebuilt = template.requestBody("direct:sync", (Object) null, SyncReport.class);
            next = template.requestBody("direct:sync", (Object) null, SyncReport.class);
        } finally {
            running.stop();
        }

        assertThat(rebuilt.status()).as(rebuilt.headline()).isEqualTo(RunStatus.WARN);
        assertThat(rebuilt.reason()).contains("sets.generations.json in the bucket does not parse", "rebuilt from the prefixes in the bucket",
                "generations 1 (sets/), 2 (sets.g2/), generation 2 current", "1 file(s) uploaded");
        assertThat(app.bucketFiles("sets.g2/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
        assertThat(app.bucketFiles("sets/")).as("the older generation untouched").doesNotContainKey("Members/AA000003.rdb").hasSize(3);
        assertThat(generations().read().repaired()).as("saved again, whole").isNull();
        assertThat(next.status()).as(next.headline()).isEqualTo(RunStatus.OK);
        assertThat(next.reason()).isEqualTo("mirror up to date, nothing to send");
    }

    @Test
    void a_deleted_generations_state_is_rebuilt_and_the_newer_generation_is_not_orphaned() throws Exception {
        secondGenerationAndANewFile();
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("sets.generations.json"));

        SyncReport rebuilt = app.sync();

        assertThat(rebuilt.status()).as(rebuilt.headline()).isEqualTo(RunStatus.WARN);
        assertThat(rebuilt.reason()).contains("sets.generations.json is missing from the bucket", "generation 2 current");
        assertThat(app.bucketFiles("sets.g2/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
        assertThat(app.bucketFiles("sets/")).doesNotContainKey("Members/AA000003.rdb");
        assertThat(generations().load().current()).isEqualTo(2);
        assertThat(generations().load().generations()).extracting(Generations.Generation::prefix).containsExactly("sets/", "sets.g2/");
    }

    @Test
    void a_generation_pointing_into_the_image_backups_is_refused_every_pass_with_a_report_and_the_images_stay() throws Exception {
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("images/host-1/manifest.json"), RequestBody.fromString("{}"));
        putState("""
                {"current": 2, "generations": [
                  {"number": 1, "prefix": "images/", "started": "2026-01-01T00:00:00Z"},
                  {"number": 2, "prefix": "sets/", "started": "2026-01-02T00:00:00Z", "complete": "2026-01-02T00:00:00Z",
                   "verified": "2026-01-03T00:00:00Z"}]}""");
        Main running = app.set("offsite.sync.retire-after-days", "0").startRunning();
        try {
            ProducerTemplate template = running.getCamelContext().createProducerTemplate();

            SyncReport first = template.requestBody("direct:sync", (Object) null, SyncReport.class);
            SyncReport second = template.requestBody("direct:sync", (Object) null, SyncReport.class);

            for (SyncReport report : new SyncReport[] {first, second}) {
                assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.FAILED);
                assertThat(report.reason()).as("ended with its reason, never 'skipped: a sync pass is already running'")
                        .contains("sets.generations.json in the bucket is refused", "'images/'", "offsite.image.prefix",
                                "delete it and the next pass rebuilds it");
            }
        } finally {
            running.stop();
        }
        assertThat(app.bucketFiles("images/")).containsOnlyKeys("host-1/manifest.json");
        assertThat(app.bucketFiles("trash/")).isEmpty();
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
