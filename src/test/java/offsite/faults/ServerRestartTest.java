package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 server stopped in the middle of a pass's multipart uploads and started again on the same port and blobs. */
class ServerRestartTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    RestartableS3 server;
    FaultProxy proxy;
    OffsiteHarness app;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        server = new RestartableS3(dir.resolve("s3-blobs"), port);
        server.start();
        S3Settings s3 = server.settings("restarted");
        try (S3Client client = S3ClientFactory.create(s3)) {
            client.createBucket(b -> b.bucket(s3.bucket()));
        }
        app = new OffsiteHarness(dir, s3);
        proxy = new FaultProxy(port);
        // parts one after another, through the proxy that times the stop; retries that can outlast a short restart
        app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.sync.streams", "1")
                .set("offsite.sync.part-streams", "1").set("offsite.s3.max-attempts", "10");
        for (int i = 1; i <= 3; i++) {
            app.write("Members/AA00000" + i + ".rdb", 11 * MB + i, i); // three parts each
        }
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        app.close();
        server.close();
    }

    private List<Activity> activity() {
        try {
            return new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll();
        } catch (RuntimeException e) {
            return List.of(); // a line being written
        }
    }

    private long partsStored() {
        return activity().stream().filter(a -> a.operation().equals("UploadPart") && a.outcome().equals("200")).count();
    }

    @Test
    void a_server_restarted_mid_upload_is_retried_or_reported_and_the_next_pass_completes_the_mirror() throws Exception {
        // the first file's second part is held on its way: its first part is stored, the server stops under it
        proxy.delay(line -> line.startsWith("PUT ") && line.contains("partNumber=2&"), 1, 3000);
        CompletableFuture<SyncReport> pass = CompletableFuture.supplyAsync(app::sync);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (proxy.faultsInjected.get() == 0 && !pass.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(pass).as("the pass must still be uploading when the server stops").isNotDone();
        server.stop();
        Thread.sleep(1000); // down long enough for requests to be refused
        server.start();
        SyncReport during = pass.get(120, TimeUnit.SECONDS);

        assertThat(during.status()).as(during.headline()).isIn(RunStatus.OK, RunStatus.FAILED);
        if (during.status() == RunStatus.FAILED) {
            assertThat(during.errors()).allSatisfy(p -> assertThat(p.cause()).matches("(?is).*(refused|end of file|reset|broke off).*"));
        }
        assertThat(activity()).as("the broken attempt is in the activity log").anyMatch(a -> a.outcome().startsWith("error:"));
        assertThat(activity()).as("the upload begun before the restart is the one completed")
                .filteredOn(a -> a.operation().equals("CreateMultipartUpload") && a.key().equals("sets/Members/AA000003.rdb")).hasSize(1);

        SyncReport next = app.sync();

        assertThat(next.status()).as(next.headline()).isEqualTo(RunStatus.OK);
        assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
        assertThat(app.pendingUploads()).isZero();
    }
}
