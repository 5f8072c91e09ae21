package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import offsite.activity.ActivityLog;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Files the backup application removes or adds while a pass runs: nothing half-made, nothing pending, the next pass settles it. */
class FilesComingAndGoingTest {

    @TempDir
    Path dir;

    @Test
    void files_vanishing_mid_run_are_reported_and_leave_nothing_behind_and_new_ones_go_next_pass() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("a.rdb", 3 << 20, 1);
            app.write("b.rdb", 1 << 20, 2); // removed before its turn
            app.write("c.rdb", 12 << 20, 3); // multipart: removed while its parts go up
            // largest file first: c, a, b, slowly enough to act between
            SyncReport report;
            try (SlowPass pass = SlowPass.start(app)) {
                pass.waitUntilSending("sets/c.rdb", 6 << 20); // past the first part
                Files.delete(app.source.resolve("c.rdb"));
                pass.waitUntilSending("sets/a.rdb", 1);
                Files.delete(app.source.resolve("b.rdb"));
                app.write("d.rdb", 100_000, 4); // appears mid-run: not in this pass's plan
                report = pass.report();
            }

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.WARN);
            assertThat(report.reason()).isEqualTo("2 file(s) vanished during the run (removed at the source); nothing of them was sent");
            assertThat(report.notes()).anyMatch(n -> n.startsWith("sets/b.rdb: the file vanished during the run"))
                    .anyMatch(n -> n.startsWith("sets/c.rdb: the file vanished during the run"));
            assertThat(report.errors()).isEmpty();
            assertThat(report.leftForNextWindow().files()).isZero();
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys("a.rdb");
            var log = new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll();
            assertThat(app.pendingUploads()).as("c's multipart upload aborted, not left to linger: " + log.stream().filter(a -> a.key().contains("c.rdb")).toList()).isZero();
            assertThat(log).anyMatch(a -> a.operation().equals("AbortMultipartUpload") && a.key().equals("sets/c.rdb"));

            SyncReport next = app.sync();

            assertThat(next.status()).as(next.text()).isEqualTo(RunStatus.OK);
            assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys("a.rdb", "d.rdb");
            assertThat(app.pendingUploads()).isZero();
        }
    }

    @Test
    void a_file_rewritten_while_it_is_sent_never_becomes_a_mixed_object() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("big.rdb", 12 << 20, 1); // multipart: rewritten between its parts
            SyncReport report = rewrittenWhileSent(app, "big.rdb", 12 << 20, 6 << 20);

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.WARN);
            // aborted at once; S3Proxy may still list it while it writes the broken part it was sent: the next pass aborts that
            assertThat(new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll())
                    .anyMatch(a -> a.operation().equals("AbortMultipartUpload") && a.key().equals("sets/big.rdb"));
            assertThat(report.notes().toString() + report.errors()).doesNotContain("left pending");
            // whatever is stored is one whole version of each file, never a mix: here neither went up
            assertThat(app.bucketFiles("sets/")).as(report.text()).isEmpty();

            SyncReport next = app.set("offsite.sync.stable-for", "0s").sync();

            assertThat(next.status()).as(next.text()).isEqualTo(RunStatus.OK);
            assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
            // S3Proxy's filesystem store may keep listing the upload whose part body broke off, though it answers
            // 404 to aborting it and 400 to listing its parts (Offsite met it: it tried to abort, then began afresh).
            // Nothing pending that the server can act on:
            for (var ghost : app.client.listMultipartUploads(b -> b.bucket(app.s3.bucket())).uploads()) {
                assertThat(Assertions.catchThrowableOfType(
                        () -> app.client.abortMultipartUpload(b -> b.bucket(app.s3.bucket()).key(ghost.key()).uploadId(ghost.uploadId())),
                        S3Exception.class))
                        .as("a pending upload the server still holds: " + ghost).isNotNull().extracting(e -> e.statusCode()).isEqualTo(404);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "a new key: hashed while sent and deleted again, false",
            "a key holding an older copy: refused by its Content-MD5, true"})
    void a_small_file_rewritten_while_it_is_sent_leaves_the_bucket_as_it_was(String what, boolean storedBefore) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("small.rdb", 4 << 20, 1); // below the 5 MB multipart threshold: one PUT
            if (storedBefore) {
                assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
                app.set("offsite.sync.max-change-percent", "100"); // the set's one file is rewritten whole
                app.write("small.rdb", 4 << 20, 2);
            }
            var before = app.bucketFiles("sets/");
            SyncReport report = rewrittenWhileSent(app, "small.rdb", 4 << 20, 1 << 20);

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.WARN);
            assertThat(report.reason()).isEqualTo("a file changed while it was uploaded; it goes again next run");
            assertThat(report.leftForNextWindow().files()).isOne();
            assertThat(report.errors()).isEmpty();
            assertThat(app.bucketFiles("sets/")).as(what).isEqualTo(before);

            SyncReport next = app.set("offsite.sync.stable-for", "0s").sync();

            assertThat(next.status()).as(next.text()).isEqualTo(RunStatus.OK);
            assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        }
    }

    /** A slow pass in which the file is written anew (size unchanged, mtime now) once `bytes` of it have gone out. */
    private static SyncReport rewrittenWhileSent(OffsiteHarness app, String name, int size, long bytes) throws Exception {
        try (SlowPass pass = SlowPass.start(app)) {
            pass.waitUntilSending("sets/" + name, bytes);
            app.write(name, size, 11);
            Files.setLastModifiedTime(app.source.resolve(name), FileTime.from(Instant.now()));
            return pass.report();
        }
    }

    /** A pass of the running app in the background: one stream at 4 MB/s, parts one at a time, slow enough to act during. */
    private record SlowPass(Main running, PassesInFlight pass, CompletableFuture<SyncReport> run) implements AutoCloseable {

        static SlowPass start(OffsiteHarness app) throws Exception {
            Main running = app.set("offsite.sync.streams", "1").set("offsite.sync.part-streams", "1").set("offsite.sync.bandwidth", "4MB")
                    .startRunning();
            PassesInFlight pass = running.getCamelContext().getRegistry().lookupByNameAndType("passesInFlight", PassesInFlight.class);
            return new SlowPass(running, pass, CompletableFuture.supplyAsync(
                    () -> running.getCamelContext().createProducerTemplate().requestBody("direct:sync", null, SyncReport.class)));
        }

        void waitUntilSending(String key, long bytes) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                RunProgress p = pass.progress();
                RunProgress.Stream s = p == null ? null : p.inFlight().get(key);
                if (s != null && s.bytes().get() >= bytes) {
                    return;
                }
                assertThat(System.nanoTime()).as("never saw " + key + " sending " + bytes + " bytes").isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        SyncReport report() throws Exception {
            return run.get(120, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            running.stop();
        }
    }
}
