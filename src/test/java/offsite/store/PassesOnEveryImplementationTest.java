package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import offsite.faults.FaultProxy;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.CephRgw;
import offsite.testing.FaultyS3;
import offsite.testing.OffsiteHarness;
import offsite.testing.S3Implementation;
import offsite.testing.S3rver;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The application end to end on every S3 implementation this machine can start, and on S3Proxy behind the fault
 * proxy refusing each optional operation, shortening listing pages, sending a page twice or giving ETags that are not
 * MD5s: a first sync, a groom night, verify, restore-set, two image backups, restore-image and a third image backup's
 * retention deleting the first two, each through the real command line or pass; then verify of a bucket that lost an
 * object.
 */
class PassesOnEveryImplementationTest {

    private static final int MB = 1 << 20;

    static Stream<S3Implementation> implementations() {
        return Stream.concat(Stream.of(TestS3.IMPLEMENTATION, S3rver.IMPLEMENTATION, CephRgw.IMPLEMENTATION, FaultyS3.SHORT_PAGES,
                FaultyS3.REPEATED_PAGES, FaultyS3.OPAQUE_ETAGS), FaultyS3.REFUSING.stream());
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void sync_groom_verify_restore_and_image_backups_pass(S3Implementation implementation) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir, implementation.bucket())) {
            app.set("offsite.s3.max-attempts", "4");
            app.write("Members/AA000001.rdb", 11 * MB + 7, 1); // three parts of 5 MB
            app.write("Members/AA000002.rdb", 6 * MB, 2);
            app.write("Members/AA000003.rdb", MB + 3, 3);
            app.write("Members/AA000004.rdb", 2 * MB, 4);
            // seven parts: Ceph RGW answers such a completion with an empty ETag (issue 14)
            app.write("Members/AA000006.rdb", 31 * MB, 6);
            app.write("Members/empty.rdb", 0, 0);
            app.write("Deep/er/AA000005.rdb", 3000, 5); // a folder holding only a folder
            app.write("Set A.rbc", 999, 9);

            SyncReport first = app.sync();
            assertThat(first.status()).as(first.headline() + " " + first.errors()).isEqualTo(RunStatus.OK);
            assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());

            Map<String, Instant> uploadedMtimes = new TreeMap<>();
            for (String name : List.of("AA000001.rdb", "AA000002.rdb", "AA000003.rdb", "AA000004.rdb")) {
                uploadedMtimes.put(name, Files.getLastModifiedTime(app.source.resolve("Members/" + name)).toInstant());
            }

            // the backup application grooms: two chunks deleted, two rewritten at new sizes, two added
            Files.delete(app.source.resolve("Members/AA000002.rdb"));
            Files.delete(app.source.resolve("Members/AA000003.rdb"));
            app.write("Members/AA000001.rdb", 4 * MB, 101); // multipart to single
            app.write("Members/AA000004.rdb", 7 * MB, 104); // single to multipart
            app.write("Members/AA000007.rdb", 2 * MB, 7);
            app.write("Deep/er/AA000008.rdb", 6 * MB + 1, 8);
            SyncReport groom = app.set("offsite.sync.delete", "true").sync();
            assertThat(groom.status()).as(groom.headline() + " " + groom.errors()).isEqualTo(RunStatus.OK);
            assertThat(groom.deleted().files()).isEqualTo(2);
            assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
            // deleted chunks wait in the trash, and so do replaced ones where the service can copy them there
            List<String> trashed = implementation.lacks().contains("CopyObject") ? List.of("AA000002.rdb", "AA000003.rdb")
                    : List.of("AA000001.rdb", "AA000002.rdb", "AA000003.rdb", "AA000004.rdb");
            assertThat(app.bucketFiles("trash/").keySet()).extracting(k -> k.substring(k.lastIndexOf('/') + 1))
                    .containsExactlyInAnyOrderElementsOf(trashed);
            // each copy keeps the mtime it was uploaded with, whether the service copied it or it was downloaded and sent again
            Map<String, Instant> trashMtimes = new TreeMap<>();
            for (String key : app.bucketFiles("trash/").keySet()) {
                Map<String, String> metadata = app.client.headObject(b -> b.bucket(app.s3.bucket()).key("trash/" + key)).metadata();
                trashMtimes.put(key.substring(key.lastIndexOf('/') + 1), MtimeMetadata.stored(metadata));
            }
            uploadedMtimes.keySet().retainAll(trashed);
            assertThat(trashMtimes).isEqualTo(uploadedMtimes);

            OffsiteHarness.CommandResult verify = app.command("verify", "--deep", "3");
            assertThat(verify.exit()).as(verify.out()).isZero();

            Path restored = dir.resolve("restored");
            OffsiteHarness.CommandResult restore = app.command("restore-set", "--to", restored.toString());
            assertThat(restore.exit()).as(restore.out()).isZero();
            assertThat(restore.out()).contains("OK: 8 of 8 objects restored");
            assertThat(OffsiteHarness.digests(restored)).isEqualTo(app.sourceFiles());

            imageBackupsRestore(app);

            // an object gone from the bucket behind Offsite's back: verify fails, naming it
            app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("sets/Set A.rbc"));
            OffsiteHarness.CommandResult lost = app.command("verify");
            assertThat(lost.exit()).as(lost.out()).isEqualTo(1);
            assertThat(lost.out()).contains("sets/Set A.rbc: missing from the bucket").contains("FAILED: 1 difference(s)");
        }
    }

    /** A full backup, a diff after a change, and restore-image of the diff, compared file by file with the tree. */
    private void imageBackupsRestore(OffsiteHarness app) throws IOException {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        Files.write(Files.createDirectories(dir.resolve("machine/srv")).resolve("data.bin"), new byte[3 * MB]);
        app.set("offsite.image.roots", dir.resolve("machine").toString());

        OffsiteHarness.CommandResult full = app.command("image");
        assertThat(full.exit()).as(full.out()).isZero();
        assertThat(full.out()).contains("full backup");
        Files.writeString(tree.resolve("hostname"), "excalibur2\n");
        OffsiteHarness.CommandResult diff = app.command("image");
        assertThat(diff.exit()).as(diff.out()).isZero();
        assertThat(diff.out()).contains("diff backup");

        Path rebuilt = dir.resolve("rebuilt");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", rebuilt.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(OffsiteHarness.digests(rebuilt.resolve(dir.resolve("machine").toString().substring(1))))
                .isEqualTo(OffsiteHarness.digests(dir.resolve("machine")));

        // retention through bucket.delete: keeping one backup, a new full one leaves only itself in the bucket
        OffsiteHarness.CommandResult third = app.set("offsite.image.keep", "1l").command("image", "--full");
        assertThat(third.exit()).as(third.out()).isZero();
        Matcher newest = Pattern.compile("backup (\\d{8}T\\d{9}Z) \\(full\\)").matcher(third.out());
        assertThat(newest.find()).as(third.out()).isTrue();
        assertThat(third.out()).contains("retention: 1 kept, deleted ");
        assertThat(app.bucketFiles("images/").keySet()).extracting(k -> k.substring(0, k.indexOf('/'))).containsOnly(newest.group(1));
    }

    /**
     * Issue 14: a service answering listings in pages shorter than asked once made restore-set bring back 100 of 350
     * files and print OK. With pages of 7 keys, every object comes back; and a restore that receives fewer objects or
     * bytes than the listing promised fails, naming them.
     */
    @Test
    void a_restore_from_short_pages_brings_back_every_object_and_fails_when_fewer_arrive() throws Exception {
        S3Settings upstream = FaultyS3.openBucket();
        try (FaultProxy proxy = new FaultProxy(upstream.endpoint().getPort());
                OffsiteHarness app = new OffsiteHarness(dir, FaultyS3.through(upstream, proxy))) {
            proxy.shortenPages(7);
            for (int i = 0; i < 120; i++) {
                app.write(String.format("Members/AB%06d.rdb", i), 1000 + i, i);
            }
            SyncReport sync = app.sync();
            assertThat(sync.status()).as(sync.headline()).isEqualTo(RunStatus.OK);
            assertThat(sync.uploaded().files()).isEqualTo(120);

            OffsiteHarness.CommandResult whole = app.command("restore-set", "--to", dir.resolve("whole").toString());
            assertThat(whole.exit()).as(whole.out()).isZero();
            assertThat(whole.out()).contains("OK: 120 of 120 objects restored");
            assertThat(OffsiteHarness.digests(dir.resolve("whole"))).isEqualTo(app.sourceFiles());

            // one object gone between the listing and its download, one whose every answer is cut mid-body
            proxy.refuse(r -> r.method().equals("GET") && r.path().endsWith("/sets/Members/AB000007.rdb"), 404, "NoSuchKey");
            proxy.cutAnswerAfter(line -> line.startsWith("GET ") && line.contains("/sets/Members/AB000100.rdb "), 1000, 0);
            OffsiteHarness.CommandResult fewer = app.command("restore-set", "--to", dir.resolve("fewer").toString());

            assertThat(fewer.exit()).as(fewer.out()).isNotZero();
            assertThat(fewer.out()).doesNotContain("OK:").contains("FAILED: 118 of 120 objects restored")
                    .contains("AB000007.rdb").contains("AB000100.rdb");
            Map<String, String> expected = new TreeMap<>(app.sourceFiles());
            expected.keySet().removeAll(List.of("Members/AB000007.rdb", "Members/AB000100.rdb"));
            assertThat(OffsiteHarness.digests(dir.resolve("fewer"))).as("nothing missing under a final name").containsAllEntriesOf(expected)
                    .doesNotContainKeys("Members/AB000007.rdb", "Members/AB000100.rdb");
        }
    }
}
