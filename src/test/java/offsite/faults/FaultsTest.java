package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.Gpg;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults between the app and S3: each test ends with the bucket mirroring the source and no upload pending. */
class FaultsTest {

    private static final int MB = 1 << 20;

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

    private void assertMirroredAndNothingPending() throws Exception {
        assertThat(app.bucketFiles("sets/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
        assertThat(app.pendingUploads()).isZero();
    }

    private List<Activity> activity() {
        return new ActivityLog(app.data.resolve("activity"), 1 << 20).readAll();
    }

    @Test
    void slow_down_and_internal_errors_are_retried_and_logged() throws Exception {
        proxy.answerWithError(line -> line.startsWith("PUT "), 3, 503, "SlowDown");

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        assertThat(proxy.faultsInjected.get()).isEqualTo(3);
        assertThat(activity()).filteredOn(a -> a.outcome().startsWith("503")).isNotEmpty();
        assertMirroredAndNothingPending();
    }

    @Test
    void large_bodies_wait_for_the_go_ahead_so_a_refused_one_is_never_sent_and_small_ones_go_at_once() throws Exception {
        Map<String, Boolean> expectsContinue = new ConcurrentHashMap<>();
        proxy.refuse(r -> {
            if (r.method().equals("PUT")) {
                expectsContinue.put(r.path().substring(r.path().lastIndexOf('/') + 1), r.hasHeader("expect"));
            }
            return r.method().equals("PUT") && r.path().contains("/sets/");
        }, 403, "AccessDenied");

        SyncReport report = app.sync();

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        // was: the SDK's "injected (Service: S3, Status Code: 403, Request ID: null) ..." for each file
        assertThat(report.errors()).isNotEmpty().allSatisfy(p -> assertThat(p.cause())
                .matches("(PutObject|UploadPart) sets/.*: S3 refused the credentials \\(AccessDenied\\): check"
                        + " offsite.s3.access-key / offsite.s3.secret-key .*the bucket policy.*"));
        assertThat(expectsContinue).containsEntry("AA000002.rdb", true).containsEntry("Set%20A.rbc", false);
        assertThat(app.bucketFiles("sets/")).isEmpty();
    }

    @Test
    void a_generations_state_the_store_will_not_take_makes_the_pass_warn() throws Exception {
        proxy.refuse(r -> r.method().equals("PUT") && r.path().endsWith("/sets.generations.json"), 403, "AccessDenied");

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.WARN);
        assertThat(report.reason()).startsWith("the generation's progress (complete, verified, retired) could not be saved in the bucket (")
                .endsWith("): the next pass records it again");
        assertMirroredAndNothingPending();
    }

    @Test
    void a_trash_move_the_store_refuses_names_the_settings_to_check_not_the_sdk_words() throws Exception {
        app.set("offsite.sync.delete", "true");
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        Files.delete(app.source.resolve("Set A.rbc"));
        // a bucket policy that refuses deletions: the copy into the trash is made, the delete refused
        proxy.refuse(r -> r.method().equals("DELETE") && r.path().contains("/sets/"), 403, "AccessDenied");

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.FAILED);
        assertThat(report.errors()).singleElement().satisfies(p -> {
            assertThat(p.subject()).isEqualTo("sets/Set A.rbc");
            // was: the SDK's "Access Denied (Service: S3, Status Code: 403, Request ID: ...)"
            assertThat(p.cause()).startsWith("not moved to the trash, left in place: DeleteObject sets/Set A.rbc: S3 refused the"
                    + " credentials (AccessDenied): check offsite.s3.access-key / offsite.s3.secret-key").contains("the bucket policy")
                    .doesNotContain("Status Code");
        });
        assertThat(report.text()).doesNotContain(app.s3.secretKey());
        assertThat(app.bucketFiles("sets/")).containsKey("Set A.rbc");
    }

    @Test
    void a_download_the_store_refuses_is_logged_naming_the_settings_to_check_not_the_sdk_words() throws Exception {
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        // a bucket policy that refuses reads of the set
        proxy.refuse(r -> r.method().equals("GET") && r.path().contains("/sets/"), 403, "AccessDenied");
        Main running = app.startRunning();
        try (LogLines log = new LogLines()) {

            HttpResponse<String> refused = app.get("/download?key=sets/Set%20A.rbc", null);
            HttpResponse<String> missing = app.get("/download?key=sets/gone.rdb", null);

            assertThat(refused.statusCode()).isEqualTo(502);
            assertThat(refused.body()).isEqualTo("the S3 service did not give the object (see the log)");
            assertThat(missing.statusCode()).as("its own answer, the refusal").isEqualTo(502);
            // was: no line at all, and the activity log's outcome in the SDK's words ("(Service: S3, Status Code: 403, ...)")
            String said = "S3 refused the credentials (AccessDenied): check offsite.s3.access-key / offsite.s3.secret-key or the AWS"
                    + " default credentials chain, and the bucket policy";
            assertThat(log.lines()).filteredOn(l -> l.contains("download")).satisfiesExactly(
                    l -> assertThat(l).startsWith("WARN the status page's download was not given: GetObject sets/Set A.rbc: " + said),
                    l -> assertThat(l).startsWith("WARN the status page's download was not given: GetObject sets/gone.rdb: " + said));
            assertThat(String.join("\n", log.lines())).doesNotContain("Status Code").doesNotContain(app.s3.secretKey())
                    .doesNotContain(app.s3.accessKey());
        } finally {
            running.stop();
        }
        proxy.passThrough();
        running = app.startRunning();
        try {
            assertThat(app.get("/download?key=sets/gone.rdb", null).statusCode()).isEqualTo(404);
            assertThat(app.get("/download?key=sets/Set%20A.rbc", null).statusCode()).isEqualTo(200);
        } finally {
            running.stop();
        }
    }

    @Test
    void a_retention_deletion_the_store_refuses_names_the_settings_to_check_not_the_sdk_words() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.image.keep", "1l");
        assertThat(app.command("image", "--full").exit()).isZero();
        // a bucket policy that refuses deletions (or an object lock): retention's first delete is refused
        proxy.refuse(r -> r.method().equals("DELETE") && r.path().contains("/images/"), 403, "AccessDenied");

        OffsiteHarness.CommandResult result = app.command("image", "--full");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        // was: "FAILED: injected (Service: S3, Status Code: 403, Request ID: null) (SDK Attempt Count: 1)"
        assertThat(result.out().lines().findFirst().orElse("")).matches("FAILED: DeleteObject images/[0-9TZ]+/manifest.json: S3 refused the"
                + " credentials \\(AccessDenied\\): check offsite.s3.access-key / offsite.s3.secret-key .*the bucket policy.*");
        assertThat(result.out()).doesNotContain(app.s3.secretKey());
    }

    @Test
    void a_signature_the_store_refuses_leaves_the_backup_without_a_manifest() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        new Gpg(dir.resolve("gpg")).newKey("Offsite Signer <sign@example.org>", dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"));
        app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.image.signing-key", dir.resolve("signer-secret.asc").toString());
        proxy.refuse(r -> r.method().equals("PUT") && r.path().endsWith("/manifest.json.asc"), 403, "AccessDenied");

        OffsiteHarness.CommandResult result = app.command("image");

        // the signature goes up before the manifest, which stays the commit point: no manifest without its signature
        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("/manifest.json.asc");
        assertThat(app.bucketFiles("images/").keySet()).noneMatch(k -> k.endsWith("/manifest.json") || k.endsWith("/manifest.json.asc"));
    }

    @Test
    void a_connection_cut_mid_part_is_retried() throws Exception {
        proxy.cutAfter(line -> line.startsWith("PUT ") && line.contains("partNumber="), 2, MB);

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        assertThat(proxy.faultsInjected.get()).isEqualTo(2);
        assertMirroredAndNothingPending();
    }

    @Test
    void a_pass_that_keeps_failing_reports_why_and_the_next_pass_resumes() throws Exception {
        proxy.answerWithError(line -> line.startsWith("PUT ") && line.contains("partNumber=3"), 1000, 500, "InternalError");

        SyncReport failed = app.sync();

        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.errors()).singleElement().satisfies(p -> {
            assertThat(p.subject()).isEqualTo("sets/Members/AA000001.rdb");
            assertThat(p.cause()).contains("500");
        });
        assertThat(app.bucketFiles("sets/")).doesNotContainKey("Members/AA000001.rdb").hasSize(2);
        assertThat(app.pendingUploads()).as("kept to resume").isEqualTo(1);

        proxy.passThrough();
        SyncReport next = app.sync();

        assertThat(next.status()).as(next.headline()).isEqualTo(RunStatus.OK);
        assertThat(next.bytesResumed()).isEqualTo(10 * MB);
        assertMirroredAndNothingPending();
    }

    @Test
    void a_slow_store_is_waited_for_not_abandoned() throws Exception {
        proxy.delay(line -> line.startsWith("PUT "), 4, 1500);

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.headline()).isEqualTo(RunStatus.OK);
        assertThat(proxy.faultsInjected.get()).isEqualTo(4);
        assertMirroredAndNothingPending();
    }
}
