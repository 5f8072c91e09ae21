package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers from S3 cut short by a closed connection: a download, a listing, a part's answer. Nothing half-read is
 * taken as whole: a restore resumes or fails naming the object, a pass never plans from half a listing.
 */
class TruncatedAnswersTest {

    private static final int MB = 1 << 20;
    private static final String BIG = "sets/Members/AA000001.rdb";

    @TempDir
    Path dir;

    OffsiteHarness app;
    FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        app = new OffsiteHarness(dir);
        proxy = new FaultProxy(app.s3.endpoint().getPort());
        app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.s3.max-attempts", "4");
        app.write("Members/AA000001.rdb", 12 * MB + 3, 1); // three parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        app.close();
    }

    private static boolean getOf(String line, String key) {
        return line.startsWith("GET ") && line.contains("/" + key.replace(" ", "%20") + " ");
    }

    private static boolean listing(String line) {
        return line.startsWith("GET ") && line.contains("list-type=2") && !line.contains("uploads");
    }

    private List<Activity> activity() {
        return new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll();
    }

    private void assertMirroredAndNothingPending() throws Exception {
        assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
        assertThat(app.pendingUploads()).isZero();
    }

    @Test
    void a_download_cut_short_resumes_where_it_stopped_and_the_restore_is_byte_equal() throws Exception {
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        proxy.cutAnswerAfter(line -> getOf(line, BIG), 2, 3 * MB);
        Path target = dir.resolve("restored");

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("OK: 3 of 3 objects restored");
        assertThat(proxy.faultsInjected.get()).isEqualTo(2);
        assertThat(activity()).filteredOn(a -> a.operation().equals("GetObject") && a.key().equals(BIG)).hasSize(3);
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
        assertMirroredAndNothingPending();
    }

    @Test
    void a_download_cut_on_every_attempt_fails_naming_the_object_and_keeps_only_a_partial_file() throws Exception {
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        proxy.cutAnswerAfter(line -> getOf(line, BIG), 1000, MB);
        Path target = dir.resolve("restored");

        OffsiteHarness.CommandResult failed = app.command("restore-set", "--to", target.toString());

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED: 2 of 3 objects restored")
                .contains(BIG + ": the download of " + BIG + " was cut short").contains("resumes next run");
        assertThat(target.resolve("Members/AA000001.rdb")).as("no half-file under the real name").doesNotExist();
        assertThat(target.resolve(".offsite-restore")).as("the partial download kept apart").isNotEmptyDirectory();

        proxy.passThrough();
        OffsiteHarness.CommandResult resumed = app.command("restore-set", "--to", target.toString());

        assertThat(resumed.exit()).as(resumed.out()).isZero();
        assertThat(resumed.out()).contains("OK: 3 of 3 objects restored").contains("2 already there");
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
        assertMirroredAndNothingPending();
    }

    @Test
    void a_deep_verify_tries_a_cut_download_again_and_names_an_object_it_could_not_check() throws Exception {
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        proxy.cutAnswerAfter(line -> getOf(line, BIG), 1, 500);

        OffsiteHarness.CommandResult once = app.command("verify", "--deep", "3");

        assertThat(once.exit()).as(once.out()).isZero();
        assertThat(once.out()).contains("OK: 0 difference(s)").contains("3 files hashed here and their objects downloaded and hashed");
        assertThat(proxy.faultsInjected.get()).isEqualTo(1);

        proxy.cutAnswerAfter(line -> getOf(line, BIG), 1000, 500);
        OffsiteHarness.CommandResult always = app.command("verify", "--deep", "3");

        assertThat(always.exit()).as(always.out()).isEqualTo(1);
        assertThat(always.out()).contains(BIG + ": not checked, its download failed twice: the download of " + BIG + " was cut short")
                .contains("FAILED: 1 difference(s)");
        assertMirroredAndNothingPending();
    }

    @Test
    void a_listing_cut_short_is_sent_again_and_nothing_is_deleted_from_half_a_listing() throws Exception {
        app.set("offsite.sync.delete", "true");
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        Map<String, String> mirrored = app.bucketFiles("sets/");
        Files.delete(app.source.resolve("Set A.rbc")); // one honest deletion, due once a whole listing is read

        for (long cutAt : new long[] {0, 100, 400}) {
            proxy.cutAnswerAfter(TruncatedAnswersTest::listing, 1000, cutAt);
            SyncReport cut = app.sync();

            assertThat(cut.status()).as(cut.headline()).isEqualTo(RunStatus.FAILED);
            assertThat(cut.reason()).as("cut after %d bytes", cutAt).contains("broke off before its end").contains("nothing was taken from it");
            assertThat(app.bucketFiles("sets/")).as("cut after %d bytes", cutAt).isEqualTo(mirrored);
            assertThat(app.bucketFiles("trash/")).isEmpty();
        }
        proxy.cutAnswerAfter(TruncatedAnswersTest::listing, 2, 400);
        SyncReport retried = app.sync();

        assertThat(retried.status()).as(retried.headline()).isEqualTo(RunStatus.OK);
        assertThat(retried.deleted().files()).isEqualTo(1);
        assertThat(app.bucketFiles("trash/")).containsOnlyKeys(LocalDate.now(ZoneOffset.UTC) + "/sets/Set A.rbc");
        assertThat(activity()).filteredOn(a -> a.operation().equals("ListObjectsV2") && a.key().equals("sets/")).hasSizeGreaterThanOrEqualTo(3);
        assertMirroredAndNothingPending();
    }

    @Test
    void a_listing_cut_before_its_first_byte_is_sent_again() throws Exception {
        proxy.cutAnswerAfter(TruncatedAnswersTest::listing, 2, 0);

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        assertThat(proxy.faultsInjected.get()).isEqualTo(2);
        assertMirroredAndNothingPending();
    }

    @Test
    void a_part_whose_answer_is_cut_in_its_headers_is_sent_again() throws Exception {
        proxy.cutAnswerHeaders(line -> line.startsWith("PUT ") && line.contains("partNumber=2"), 1);

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        assertThat(proxy.faultsInjected.get()).isEqualTo(1);
        assertThat(activity()).as("three parts and the unconfirmed one again")
                .filteredOn(a -> a.operation().equals("UploadPart") && a.key().equals(BIG)).hasSize(4);
        assertMirroredAndNothingPending();
    }

    @Test
    void a_single_put_whose_answer_is_cut_in_its_headers_is_confirmed_by_the_object_or_sent_again() throws Exception {
        proxy.cutAnswerHeaders(line -> line.startsWith("PUT ") && line.contains("Set%20A.rbc"), 1);

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        assertThat(proxy.faultsInjected.get()).isEqualTo(1);
        assertThat(activity()).as("the object looked at after the cut answer")
                .filteredOn(a -> a.operation().equals("HeadObject") && a.key().equals("sets/Set A.rbc")).isNotEmpty();
        assertMirroredAndNothingPending();
    }

    @Test
    void a_completion_whose_answer_is_lost_finds_the_object_complete_or_says_so() throws Exception {
        proxy.cutAnswerHeaders(line -> line.startsWith("POST ") && line.contains("uploadId="), 1);

        SyncReport report = app.sync();

        // the server may still be completing when the app looks (then the next pass finds the object, or sends it again)
        assertThat(report.status()).as(report.headline()).isIn(RunStatus.OK, RunStatus.FAILED);
        if (report.status() == RunStatus.FAILED) {
            assertThat(report.errors()).singleElement().satisfies(p -> assertThat(p.cause())
                    .contains("the answer to the completion of " + BIG + " was lost"));
        }
        assertThat(proxy.faultsInjected.get()).isEqualTo(1);
        assertThat(activity()).filteredOn(a -> a.operation().equals("HeadObject") && a.key().equals(BIG)).isNotEmpty();

        SyncReport next = app.sync();

        assertThat(next.status()).as(next.headline()).isEqualTo(RunStatus.OK);
        assertMirroredAndNothingPending();
    }

}
