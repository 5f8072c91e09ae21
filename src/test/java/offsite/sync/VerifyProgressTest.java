package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import offsite.store.EtagForm;
import offsite.store.Fallbacks;
import offsite.store.S3Bucket;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify tells how far it is: the bytes its plan hashes, and the bytes a deep check hashes and downloads, against their totals. */
class VerifyProgressTest {

    private static final int MB = 1 << 20;
    private static final long SET_BYTES = 11 * MB + 7 + 2 * MB + 999;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 11 * MB + 7, 1); // three parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        assertThat(app.sync().status().name()).isEqualTo("OK");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void a_verify_whose_hash_cache_is_stale_counts_every_byte_it_hashes_against_the_bytes_it_planned_to() throws Exception {
        Files.delete(app.data.resolve("hash-cache.tsv")); // a cache lost: every same-size file is hashed to be compared

        Pass stale = app.dryRunPass();

        assertThat(stale.plan().with(SyncAction.UNCHANGED)).hasSize(3);
        RunProgress hashing = stale.hashing();
        assertThat(hashing.label()).isEqualTo("hashing");
        assertThat(hashing.plannedBytes()).as("every file, each the size of its object").isEqualTo(SET_BYTES);
        assertThat(hashing.sent()).as("each byte read once, as planned").isEqualTo(SET_BYTES);

        Pass cached = app.dryRunPass();

        assertThat(cached.hashing().plannedBytes()).as("the cache knows every file now: nothing to hash, no line shown").isZero();
        assertThat(cached.hashing().sent()).isZero();
    }

    @Test
    void a_deep_check_counts_each_file_hashed_here_and_each_object_downloaded_against_twice_their_size() throws Exception {
        SyncPlan plan = app.dryRunPass().plan();
        List<PlannedFile> sample = SetVerify.deepSample(plan, 2, new Random(7));
        long sampled = sample.stream().mapToLong(PlannedFile::size).sum();
        SetVerify verify = new SetVerify(new S3Bucket(app.client, app.s3, new Fallbacks()), new UploadShape(5L * MB, 5L * MB),
                new EtagForm(EtagForm.Setting.AUTO, dir.resolve("opaque-etags.txt"), app.s3.bucket(), new Fallbacks()));
        RunProgress progress = new RunProgress("deep check", SetVerify.deepBytes(sample));

        List<SetVerify.Difference> differences = verify.deep(sample, progress);

        assertThat(differences).isEmpty();
        assertThat(sample).hasSize(2);
        assertThat(progress.plannedBytes()).isEqualTo(2 * sampled);
        assertThat(progress.sent()).as("each file read here and its object downloaded, once each").isEqualTo(2 * sampled);
        assertThat(SetVerify.deepSample(plan, 10, new Random(7))).as("never more than the unchanged files").hasSize(3);
    }
}
