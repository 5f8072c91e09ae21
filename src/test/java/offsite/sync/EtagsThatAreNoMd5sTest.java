package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.faults.FaultProxy;
import offsite.faults.FaultProxy.Request;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.S3Settings;
import offsite.testing.FaultyS3;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14: a service whose ETags are not the MD5s of the bytes (SSE-KMS, SSE-C, some services), played by the fault
 * proxy in front of S3Proxy, every ETag of every answer replaced by an opaque one per object. Offsite finds it out from
 * its first upload and from then on stores the md5chksum metadata and compares by it, by sizes and by the ETag each
 * upload was given, through several nights of one data directory.
 */
class EtagsThatAreNoMd5sTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    private FaultProxy proxy;
    private OffsiteHarness app;

    /** The app behind a proxy whose answers carry opaque ETags when asked, on an S3Proxy that checks no signature. */
    private OffsiteHarness app(boolean opaque) throws Exception {
        S3Settings upstream = FaultyS3.openBucket();
        proxy = new FaultProxy(upstream.endpoint().getPort());
        if (opaque) {
            proxy.opaqueEtags();
        }
        app = new OffsiteHarness(dir, FaultyS3.through(upstream, proxy));
        app.write("Members/AA000001.rdb", 12 * MB + 3, 1); // three parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        return app;
    }

    @AfterEach
    void close() throws Exception {
        if (app != null) {
            app.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** The md5chksum of each object under sets/ by relative key (null where it has none), read past the proxy. */
    private Map<String, String> storedMd5s() {
        Map<String, String> out = new TreeMap<>();
        for (var o : TestS3.list(app.client, app.s3.bucket(), "sets/")) {
            if (o.key().endsWith("/")) {
                continue; // S3Proxy's folder marker
            }
            String stored = app.client.headObject(b -> b.bucket(app.s3.bucket()).key(o.key())).metadata().get("md5chksum");
            out.put(o.key().substring("sets/".length()), String.valueOf(stored));
        }
        return out;
    }

    private Map<String, String> sourceMd5s() throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String name : app.sourceFiles().keySet()) {
            out.put(name, Base64.getEncoder().encodeToString(LocalEtag.md5().digest(Files.readAllBytes(app.source.resolve(name)))));
        }
        return out;
    }

    /** The S3 requests of the sync pipeline logged since the given count, by operation. */
    private List<Activity> requestsAfter(int before) {
        List<Activity> all = new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll();
        return all.subList(before, all.size()).stream().filter(a -> a.key().startsWith("sets/")).toList();
    }

    private int requestsSoFar() {
        return new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll().size();
    }

    @Test
    void opaque_etags_are_found_out_by_the_first_upload_and_every_night_after_compares_by_md5chksum_sizes_and_upload_etags() throws Exception {
        app(true);

        SyncReport first = app.sync();

        assertThat(first.status()).as(first.headline() + " " + first.errors()).isEqualTo(RunStatus.OK);
        assertThat(first.uploaded().files()).isEqualTo(3);
        assertThat(first.notes()).anySatisfy(n -> assertThat(n).contains("MD5 ETags", "md5chksum"));
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        assertThat(storedMd5s()).as("each object carries its whole MD5").isEqualTo(sourceMd5s());
        assertThat(Files.readString(app.data.resolve("opaque-etags.txt"))).startsWith(app.s3.bucket() + "\t");

        // a night without changes: known from the data directory, compared by the ETags the uploads were given: nothing asked
        int before = requestsSoFar();
        SyncReport quiet = app.sync();
        assertThat(quiet.status()).as(quiet.headline()).isEqualTo(RunStatus.OK);
        assertThat(quiet.uploaded().files()).isZero();
        assertThat(quiet.notes()).anySatisfy(n -> assertThat(n).contains("MD5 ETags", "opaque-etags.txt"));
        assertThat(requestsAfter(before)).extracting(Activity::operation).isNotEmpty().allMatch(op -> op.startsWith("List"));

        // the hash cache lost: each same-size object's md5chksum is asked for once (a HEAD), and nothing is sent
        Files.delete(app.data.resolve("hash-cache.tsv"));
        before = requestsSoFar();
        SyncReport recovered = app.sync();
        assertThat(recovered.uploaded().files()).as(recovered.headline()).isZero();
        assertThat(requestsAfter(before)).extracting(Activity::operation).filteredOn(op -> !op.startsWith("List"))
                .containsExactly("HeadObject", "HeadObject", "HeadObject");
        before = requestsSoFar();
        assertThat(app.sync().uploaded().files()).isZero();
        assertThat(requestsAfter(before)).extracting(Activity::operation).as("recorded again").allMatch(op -> op.startsWith("List"));

        // an edit that keeps size and modification time: hashed (its change time moved) and sent by its md5chksum
        Path edited = app.source.resolve("Members/AA000002.rdb");
        FileTime mtime = Files.getLastModifiedTime(edited);
        byte[] bytes = Files.readAllBytes(edited);
        bytes[1000] ^= 1;
        Files.write(edited, bytes);
        Files.setLastModifiedTime(edited, mtime);
        SyncReport edit = app.sync();
        assertThat(edit.status()).as(edit.headline() + " " + edit.errors()).isEqualTo(RunStatus.OK);
        assertThat(edit.uploaded().files()).isEqualTo(1);
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        assertThat(storedMd5s()).isEqualTo(sourceMd5s());

        OffsiteHarness.CommandResult verify = app.command("verify", "--deep", "3");
        assertThat(verify.exit()).as(verify.out()).isZero();
        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-set", "--to", restored.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(OffsiteHarness.digests(restored)).isEqualTo(app.sourceFiles());
    }

    @Test
    void where_copies_are_refused_too_a_deleted_file_goes_to_the_trash_checked_by_its_md5chksum() throws Exception {
        app(true);
        proxy.refuse(FaultyS3.COPY, 501, "NotImplemented");
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        Map<String, String> stored = app.bucketFiles("sets/");
        Files.delete(app.source.resolve("Members/AA000001.rdb")); // uploaded in parts: its ETag was never an MD5 anyway
        Files.delete(app.source.resolve("Set A.rbc"));

        SyncReport groom = app.set("offsite.sync.delete", "true").set("offsite.sync.max-delete-percent", "100").sync();

        assertThat(groom.status()).as(groom.text()).isEqualTo(RunStatus.OK);
        assertThat(groom.deleted().files()).isEqualTo(2);
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        String day = LocalDate.now(ZoneOffset.UTC) + "/sets/";
        assertThat(app.bucketFiles("trash/")).as("the deleted objects' bytes, moved by download and upload")
                .containsOnly(Map.entry(day + "Members/AA000001.rdb", stored.get("Members/AA000001.rdb")),
                        Map.entry(day + "Set A.rbc", stored.get("Set A.rbc")));
        String trashMd5 = app.client.headObject(b -> b.bucket(app.s3.bucket()).key("trash/" + day + "Set A.rbc")).metadata().get("md5chksum");
        assertThat(trashMd5).as("the trash copy carries its MD5").isNotNull();
    }

    @Test
    void where_etags_are_md5s_a_night_without_changes_asks_no_md5chksum_and_leaves_the_hash_cache_alone() throws Exception {
        app(false);
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        Path cache = app.data.resolve("hash-cache.tsv");
        FileTime written = FileTime.fromMillis(Files.getLastModifiedTime(cache).toMillis() - 60_000);
        Files.setLastModifiedTime(cache, written);
        int before = requestsSoFar();

        SyncReport quiet = app.sync();

        assertThat(quiet.status()).as(quiet.headline()).isEqualTo(RunStatus.OK);
        assertThat(quiet.uploaded().files()).isZero();
        assertThat(requestsAfter(before)).extracting(Activity::operation).isNotEmpty().allMatch(op -> op.startsWith("List"));
        assertThat(Files.getLastModifiedTime(cache)).as("the hash cache not written again").isEqualTo(written);
        assertThat(Files.readAllLines(cache).subList(1, 4)).as("nothing kept beside the ETags").allMatch(l -> l.contains("\t-\t-\t"));
        assertThat(app.data.resolve("opaque-etags.txt")).doesNotExist();
    }

    /** offsite.s3.etag on a service whose ETags are or are not MD5s: the first mirror, what the objects carry, and the night after. */
    record Setting(String name, String etag, boolean opaqueService, RunStatus status, boolean md5chksums, boolean remembered) {
    }

    static Stream<Setting> settings() {
        return Stream.of(
                new Setting("auto, ETags that are MD5s", "auto", false, RunStatus.OK, false, false),
                new Setting("auto, opaque ETags: found out", "auto", true, RunStatus.OK, true, true),
                new Setting("opaque, ETags that are MD5s: md5chksum all the same", "opaque", false, RunStatus.OK, true, false),
                new Setting("md5, opaque ETags: uploads fail, nothing learnt", "md5", true, RunStatus.FAILED, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void the_etag_setting_decides_what_uploads_carry_and_are_confirmed_by(Setting c) throws Exception {
        app(c.opaqueService()).set("offsite.s3.etag", c.etag());

        SyncReport first = app.sync();

        assertThat(first.status()).as(first.headline() + " " + first.errors()).isEqualTo(c.status());
        if (c.status() == RunStatus.OK) {
            assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
            assertThat(storedMd5s().values()).as("md5chksums").allMatch(m -> c.md5chksums() != m.equals("null"));
            int before = requestsSoFar();
            assertThat(app.sync().uploaded().files()).isZero();
            assertThat(requestsAfter(before)).extracting(Activity::operation).as("the night after asks nothing but listings")
                    .allMatch(op -> op.startsWith("List"));
        } else {
            assertThat(first.errors()).isNotEmpty().allSatisfy(p -> assertThat(p.cause()).contains("differs"));
        }
        assertThat(app.data.resolve("opaque-etags.txt")).as("remembered").matches(p -> Files.exists(p) == c.remembered());
    }

    /** A body damaged on the way, where ETags tell nothing: its Content-MD5 has the server refuse it, and it goes again. */
    record Damage(String name, String file, int size, long seed) {
    }

    static Stream<Damage> damages() {
        return Stream.of(
                new Damage("a new small file, one PUT", "Members/AA000009.rdb", MB + 5, 9),
                new Damage("a small file replaced, one PUT", "Members/AA000002.rdb", 2 * MB + 1, 22),
                new Damage("a part of a new multipart file", "Members/AA000010.rdb", 11 * MB, 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void a_body_damaged_on_the_way_is_refused_by_its_content_md5_and_sent_again(Damage c) throws Exception {
        app(true);
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        app.write(c.file(), c.size(), c.seed());
        Predicate<Request> bodyOfIt = r -> r.method().equals("PUT") && r.path().endsWith("/" + c.file())
                && (!r.hasParameter("partNumber") || r.query().contains("partNumber=2"));
        proxy.damageBodies(bodyOfIt, 1);

        SyncReport report = app.sync();

        assertThat(proxy.bodiesDamaged()).isEqualTo(1);
        assertThat(report.status()).as(report.headline() + " " + report.errors()).isEqualTo(RunStatus.OK);
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        assertThat(storedMd5s()).isEqualTo(sourceMd5s());
    }

    @Test
    void an_upload_cut_where_etags_are_no_md5s_resumes_from_the_parts_the_journal_has_checked() throws Exception {
        app(true).set("offsite.s3.etag", "opaque");
        proxy.answerWithError(line -> line.startsWith("PUT ") && line.contains("partNumber=3"), 1000, 500, "InternalError");

        SyncReport cut = app.sync();

        assertThat(cut.status()).isEqualTo(RunStatus.FAILED);
        assertThat(app.pendingUploads()).as("kept to resume").isEqualTo(1);
        proxy.passThrough();
        SyncReport next = app.sync();
        assertThat(next.status()).as(next.headline() + " " + next.errors()).isEqualTo(RunStatus.OK);
        assertThat(next.bytesResumed()).isEqualTo(10 * MB);
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        assertThat(storedMd5s()).isEqualTo(sourceMd5s());
    }
}
