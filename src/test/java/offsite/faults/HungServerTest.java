package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.Bucket;
import offsite.store.Fallbacks;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.store.UnansweredRequests;
import offsite.testing.FaultyS3;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A server (or a proxy before it) that accepts a request and then stops reading its body, answering nothing: the
 * connection's buffers fill and the sender's write blocks, which no socket timeout of the HTTP client covers. The
 * silence is shortened from two minutes to one second here.
 */
class HungServerTest {

    private static final int MB = 1 << 20;

    @Test
    // the hang guard, on its own thread: a write blocked in a socket ignores interrupts, and waited 30 minutes an attempt before
    @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void a_put_whose_body_the_server_stops_taking_is_dropped_and_sent_again() throws Exception {
        S3Settings direct = TestS3.freshBucket();
        try (FaultProxy proxy = new FaultProxy(direct.endpoint().getPort());
                S3Client client = S3ClientFactory.create(FaultyS3.through(direct, proxy), 8, Duration.ofSeconds(1))) {
            Bucket bucket = new S3Bucket(client, direct, new Fallbacks());
            // far more than the socket buffers between the two hold, so the sender's write blocks
            long size = 64L * MB;
            proxy.stallAfter(line -> line.startsWith("PUT "), 1, MB);

            String etag = bucket.put("sets/big.rdb", new Bucket.Body(size, () -> zeros(size)), null, Map.of(), Bucket.Kind.DATA);

            assertThat(proxy.faultsInjected.get()).as("the first attempt stalled").isEqualTo(1);
            assertThat(etag).isEqualTo(md5OfZeros(size));
            assertThat(bucket.head("sets/big.rdb")).hasValueSatisfying(o -> assertThat(o.size()).isEqualTo(size));
        }
    }

    @Test
    void the_bytes_of_a_body_the_server_takes_count_as_hearing_from_it_though_no_answer_comes() throws Exception {
        S3Settings direct = TestS3.freshBucket();
        AtomicLong nanos = new AtomicLong();
        UnansweredRequests unanswered = new UnansweredRequests(nanos::get);
        try (FaultProxy proxy = new FaultProxy(direct.endpoint().getPort());
                S3Client client = S3ClientFactory.create(FaultyS3.through(direct, proxy), 8, Duration.ofSeconds(1), unanswered)) {
            Bucket bucket = new S3Bucket(client, direct, new Fallbacks());
            proxy.dropWithoutAnswer(r -> r.method().equals("PUT")); // the body read whole, then the connection closed
            nanos.set(Duration.ofMinutes(5).toNanos()); // the last answer was five minutes ago (the clock's start)

            assertThatThrownBy(() -> bucket.put("sets/f.rdb", new Bucket.Body(MB, () -> zeros(MB)), null, Map.of(), Bucket.Kind.DATA))
                    .isInstanceOf(RuntimeException.class);

            assertThat(unanswered.inARow()).isEqualTo(1);
            assertThat(unanswered.stopped(8, Duration.ofMinutes(2)))
                    .as("the server took the body just now: a long upload's blip, not a store that stopped").isFalse();
            nanos.addAndGet(Duration.ofMinutes(2).toNanos());
            assertThat(unanswered.stopped(8, Duration.ofMinutes(2))).as("then two minutes with nothing heard").isTrue();
        }
    }

    @Test
    void a_store_that_stops_answering_mid_pass_starts_no_more_uploads_and_the_report_says_why(@TempDir Path dir) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            // three uploads at once, one part each: more than three requests unanswered in a row is a store that stopped
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.sync.part-streams", "1");
            for (int i = 0; i < 24; i++) {
                app.write(String.format("Members/AA%06d.rdb", i), 1000 + i, i);
            }
            proxy.dropWithoutAnswer(r -> r.method().equals("PUT") && r.path().contains("/sets/"));

            SyncReport report = app.sync();

            assertThat(report.status()).isEqualTo(RunStatus.FAILED);
            assertThat(report.leftForNextWindow().files()).as("files never started against the silent store").isGreaterThan(10);
            long left = report.leftForNextWindow().files();
            assertThat(report.leftForNextWindow().bytes()).as("the files turned away are counted with their bytes (1,000 to 1,023 each)")
                    .isBetween(left * 1000, left * 1023);
            assertThat(report.notes()).filteredOn(n -> n.startsWith("the S3 server stopped answering: ")).singleElement().asString()
                    .contains("in a row got no answer on any of their offsite.s3.max-attempts=2 attempts (the last: the server closed the"
                            + " connection without answering")
                    .contains("; check that the service at offsite.s3.endpoint http://127.0.0.1:" + proxy.port() + " is up and reachable from here")
                    // was: the trash's listing and the lease's removal too, each on every attempt
                    .endsWith("; no new upload was started; the trash moves and the purge were skipped from then on, nothing more"
                            + " was moved or deleted: the next pass does them");
            assertThat(report.errors()).hasSizeLessThan(10).allSatisfy(p -> assertThat(p.cause())
                    .startsWith("no answer from the S3 server: the server closed the connection without answering"));
            assertThat(app.bucketFiles("sets/")).isEmpty();
        }
    }

    @Test
    void a_store_that_stops_answering_mid_restore_starts_no_more_downloads_and_says_so_in_one_line(@TempDir Path dir) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            // one download at a time: more than one unanswered in a row is a store that stopped
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.sync.streams", "1");
            for (int i = 0; i < 24; i++) {
                app.write(String.format("Members/AA%06d.rdb", i), 1000 + i, i);
            }
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            // the server dies once the listing is read: every download from then on is read and never answered
            proxy.dropWithoutAnswer(r -> r.method().equals("GET") && r.path().contains("/sets/"));
            Path target = dir.resolve("restored");

            OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

            assertThat(result.exit()).as(result.out()).isEqualTo(1);
            List<String> lines = result.out().lines().toList();
            assertThat(lines).as("was: one line for each of the 24 objects").hasSizeLessThan(6);
            assertThat(lines).filteredOn(l -> l.contains("not tried")).singleElement().asString()
                    .startsWith("  22 more object(s) not tried: the S3 server stopped answering: 2 request(s) in a row got no answer")
                    .contains("check that the service at offsite.s3.endpoint http://127.0.0.1:" + proxy.port() + " is up")
                    .endsWith("; run the restore again once it answers: it resumes where this one stopped");
            assertThat(lines).filteredOn(l -> l.startsWith("  sets/")).hasSize(2)
                    .allSatisfy(l -> assertThat(l).as("was: 'KEY: KEY: GetObject KEY: ...'").contains(".rdb: GetObject sets/")
                            .doesNotContain(".rdb: sets/"));
            assertThat(lines.get(lines.size() - 1)).startsWith("FAILED: 0 of 24 objects restored");
            // was: each of the 24 downloads on both attempts (against a hung server ten minutes a request)
            assertThat(proxy.faultsInjected.get()).as("requests the dead store got: two downloads' on both attempts, then none")
                    .isEqualTo(4);

            proxy.passThrough(); // the server back: the next run brings the set back whole
            OffsiteHarness.CommandResult again = app.command("restore-set", "--to", target.toString());
            assertThat(again.exit()).as(again.out()).isZero();
            assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
        }
    }

    @Test
    void a_store_that_stops_answering_while_objects_move_to_the_trash_is_left_as_it_is(@TempDir Path dir) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            // one request in flight at a time: more than one unanswered in a row is a store that stopped
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.sync.streams", "1")
                    .set("offsite.sync.part-streams", "1").set("offsite.sync.delete", "true");
            for (int i = 0; i < 14; i++) {
                app.write(String.format("Members/AA%06d.rdb", i), 1000 + i, i);
            }
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            for (int i = 0; i < 6; i++) { // 6 remote-only objects of 14: within the deletion limits
                Files.delete(app.source.resolve(String.format("Members/AA%06d.rdb", i)));
            }
            // the server dies at the first copy to the trash: every request from then on is read and never answered
            AtomicBoolean dead = new AtomicBoolean();
            proxy.dropWithoutAnswer(r -> {
                if (r.hasHeader("x-amz-copy-source")) {
                    dead.set(true);
                }
                return dead.get();
            });

            SyncReport report = app.sync();

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.FAILED);
            assertThat(report.notes()).filteredOn(n -> n.startsWith("the S3 server stopped answering: ")).singleElement().asString()
                    .contains("2 request(s) in a row got no answer on any of their offsite.s3.max-attempts=2 attempts")
                    .endsWith("the trash moves and the purge were skipped from then on, nothing more was moved or deleted: the next pass"
                            + " does them");
            assertThat(report.errors()).as("the two moves tried before the store was known to have stopped").hasSize(2)
                    .allSatisfy(p -> assertThat(p.cause()).startsWith("not moved to the trash, left in place: ")
                            .contains("offsite.s3.endpoint http://127.0.0.1:" + proxy.port()));
            // was: each of the 6 moves, the trash's listing and the lease's removal, each on both attempts (against a hung
            // server ten minutes a request)
            assertThat(proxy.faultsInjected.get()).as("requests the dead store got: the two moves' on both attempts, then none")
                    .isEqualTo(4);
            assertThat(app.bucketFiles("sets/")).hasSize(14);
            assertThat(app.bucketFiles("trash/")).isEmpty();

            proxy.passThrough(); // the server back: the next pass takes the lease left over and makes the moves
            SyncReport next = app.sync();
            assertThat(next.status()).as(next.text()).isEqualTo(RunStatus.OK);
            assertThat(next.deleted().files()).isEqualTo(6);
            assertThat(app.bucketFiles("sets/")).hasSize(8);
        }
    }

    @Test
    void a_store_that_stops_answering_after_an_image_is_stored_is_left_as_it_is(@TempDir Path dir) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            Path tree = Files.createDirectories(dir.resolve("machine/etc"));
            Files.writeString(tree.resolve("hostname"), "excalibur\n");
            // an image backup keeps one request in flight: more than one unanswered in a row is a store that stopped
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.image.roots", tree.getParent().toString())
                    .set("offsite.image.keep", "10l");
            for (int i = 0; i < 5; i++) {
                assertThat(app.command("image", "--full").exit()).isZero();
            }
            // the server dies at the first read of a manifest: every request from then on is read and never answered
            AtomicBoolean dead = new AtomicBoolean();
            proxy.dropWithoutAnswer(r -> {
                if (r.method().equals("GET") && r.path().endsWith("/manifest.json")) {
                    dead.set(true);
                }
                return dead.get();
            });
            app.set("offsite.image.keep", "1l");

            OffsiteHarness.CommandResult result = app.command("image", "--full");

            assertThat(result.exit()).as(result.out()).isEqualTo(1);
            assertThat(result.out()).startsWith("FAILED: the S3 server stopped answering: 2 request(s) in a row got no answer on any of"
                    + " their offsite.s3.max-attempts=2 attempts").contains("retention: 0 kept, none deleted")
                    .contains("errors: 2\n    images/").contains("/manifest.json: GetObject images/");
            assertThat(result.out().lines().filter(l -> l.startsWith("  note: "))).singleElement().asString()
                    .contains("check that the service at offsite.s3.endpoint http://127.0.0.1:" + proxy.port() + " is up and reachable from here")
                    .endsWith("; no more manifests were read and retention was skipped: nothing in the bucket was deleted; the next backup"
                            + " applies it");
            // was: each of the 5 manifests this process had not read, on both attempts (against a hung server ten minutes each)
            assertThat(proxy.faultsInjected.get()).as("requests the dead store got: two manifests' on both attempts, then none")
                    .isEqualTo(4);
            assertThat(app.bucketFiles("images/").keySet()).filteredOn(k -> k.endsWith("/manifest.json")).hasSize(6);

            proxy.passThrough(); // the server back: the next backup applies retention
            OffsiteHarness.CommandResult next = app.command("image", "--full");
            assertThat(next.exit()).as(next.out()).isZero();
            assertThat(app.bucketFiles("images/").keySet()).filteredOn(k -> k.endsWith("/manifest.json")).hasSize(1);
        }
    }

    @Test
    void a_store_that_dies_at_retentions_first_delete_is_never_said_to_have_deleted_a_backup(@TempDir Path dir) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            Path tree = Files.createDirectories(dir.resolve("machine/etc"));
            Files.writeString(tree.resolve("hostname"), "excalibur\n");
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.image.roots", tree.getParent().toString())
                    .set("offsite.image.keep", "10l");
            for (int i = 0; i < 3; i++) {
                assertThat(app.command("image", "--full").exit()).isZero();
            }
            proxy.dropWithoutAnswer(r -> r.method().equals("DELETE")); // the server dies as retention begins to delete
            app.set("offsite.image.keep", "1l");

            OffsiteHarness.CommandResult result;
            try (LogLines log = new LogLines()) {
                result = app.command("image", "--full");

                assertThat(log.lines()).noneMatch(l -> l.contains("retention deleted") || l.contains("retention deletes"));
            }

            assertThat(result.exit()).as(result.out()).isEqualTo(1);
            assertThat(result.out()).startsWith("FAILED: ").contains("retention: 1 kept, none deleted");
            assertThat(app.bucketFiles("images/").keySet()).filteredOn(k -> k.endsWith("/manifest.json")).hasSize(4);
        }
    }

    @Test
    void a_store_that_dies_mid_upload_leaves_no_manifest_pointing_at_missing_objects(@TempDir Path dir) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            Path tree = Files.createDirectories(dir.resolve("machine/etc"));
            Files.writeString(tree.resolve("hostname"), "excalibur\n");
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.image.roots", tree.getParent().toString());
            assertThat(app.command("image", "--full").exit()).isZero();
            Files.writeString(tree.resolve("motd"), "changed since\n");
            proxy.dropWithoutAnswer(r -> r.method().equals("PUT") && r.path().contains("/images/")); // the server dies as the upload begins

            OffsiteHarness.CommandResult result = app.command("image", "--full");

            assertThat(result.exit()).as(result.out()).isEqualTo(1);
            assertThat(result.out()).startsWith("FAILED: PutObject images/").contains("cannot reach offsite.s3.endpoint http://127.0.0.1:"
                    + proxy.port()).contains("the server closed the connection without answering");
            proxy.passThrough();
            Map<String, String> stored = app.bucketFiles("images/");
            assertThat(stored.keySet()).filteredOn(k -> k.endsWith("/manifest.json")).hasSize(1);
            stored.keySet().stream().filter(k -> k.endsWith("/manifest.json")).forEach(k -> {
                String folder = k.substring(0, k.lastIndexOf('/') + 1);
                assertThat(stored.keySet()).as("the stored backup's objects").contains(folder + "full.tar.zst");
            });
            OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());
            assertThat(restore.exit()).as(restore.out()).isZero();
            assertThat(dir.resolve("restored").resolve(tree.toString().substring(1)).resolve("motd")).doesNotExist();
        }
    }

    private static InputStream zeros(long size) {
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }

    private static String md5OfZeros(long size) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] block = new byte[MB];
        for (long left = size; left > 0; left -= block.length) {
            md5.update(block, 0, (int) Math.min(block.length, left));
        }
        return HexFormat.of().formatHex(md5.digest());
    }
}
