package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.CephRgw;
import offsite.testing.OffsiteHarness;
import offsite.testing.S3Implementation;
import offsite.testing.S3rver;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Wrong credentials, a missing bucket, an unreachable endpoint: a FAILED report with one clear line, and no secret anywhere. */
class StoreProblemsTest {

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void start() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("chunk.rdb", 1000, 1);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void wrong_credentials_fail_the_pass_with_a_clear_cause_and_never_show_the_secret() throws Exception {
        String secret = "Sup3rS3cretValue-Never-Print";
        SyncReport report = app.set("offsite.s3.secret-key", secret).sync();

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.reason()).contains("refused the credentials").contains("offsite.s3.secret-key");
        assertThat(report.text()).doesNotContain(secret);
        try (Stream<Path> files = Files.walk(app.data)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("embedded-s3")).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(secret);
            }
        }
    }

    @Test
    void a_missing_bucket_fails_unless_creating_it_is_allowed() {
        SyncReport missing = app.set("offsite.s3.bucket", "no-such-bucket-" + System.nanoTime()).sync();

        assertThat(missing.status()).isEqualTo(RunStatus.FAILED);
        assertThat(missing.reason()).contains("offsite.s3.bucket").contains("does not exist").contains("offsite.s3.create-bucket=true");

        SyncReport created = app.set("offsite.s3.create-bucket", "true").sync();
        assertThat(created.status()).as(created.headline()).isEqualTo(RunStatus.OK);
        assertThat(created.uploaded().files()).isEqualTo(1);
    }

    @Test
    void a_dry_run_never_creates_the_bucket_even_when_creating_it_is_allowed() {
        String bucket = "dry-run-bucket-" + System.nanoTime();
        SyncReport dryRun = app.set("offsite.s3.bucket", bucket).set("offsite.s3.create-bucket", "true").dryRun();

        assertThat(dryRun.dryRun()).isTrue();
        assertThat(dryRun.actions().get("new").files()).as(dryRun.text()).isEqualTo(1);

        SyncReport after = app.set("offsite.s3.create-bucket", "false").sync();
        assertThat(after.status()).as("the bucket is still missing").isEqualTo(RunStatus.FAILED);
        assertThat(after.reason()).contains("does not exist");
    }

    @Test
    void an_unreachable_endpoint_fails_the_pass_naming_the_endpoint() {
        SyncReport report = app.set("offsite.s3.endpoint", "http://127.0.0.1:9").sync();

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.reason()).contains("cannot reach offsite.s3.endpoint http://127.0.0.1:9");
    }

    static Stream<S3Implementation> implementations() {
        return Stream.of(TestS3.IMPLEMENTATION, S3rver.IMPLEMENTATION, CephRgw.IMPLEMENTATION);
    }

    /**
     * An access key the service does not know (its HeadBucket refused 403 without a body, its listing with
     * InvalidAccessKeyId), then a bucket it does not hold: a pass and verify say the same on every implementation.
     * (s3rver checks no SigV4 signature, so a wrong secret key alone passes there.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void an_unknown_access_key_and_a_missing_bucket_are_told_alike_on_every_implementation(S3Implementation implementation) throws Exception {
        try (OffsiteHarness other = new OffsiteHarness(dir.resolve("other"), implementation.bucket())) {
            other.write("chunk.rdb", 1000, 1);
            String key = other.s3.accessKey();
            other.set("offsite.s3.access-key", "NOSUCHKEY0000000");
            SyncReport refused = other.sync();
            assertThat(refused.status()).isEqualTo(RunStatus.FAILED);
            assertThat(refused.reason()).startsWith("S3 refused the credentials").contains("offsite.s3.access-key");
            OffsiteHarness.CommandResult verifyRefused = other.command("verify");
            assertThat(verifyRefused.exit()).as(verifyRefused.out()).isEqualTo(1);
            assertThat(verifyRefused.out()).startsWith("FAILED: S3 refused the credentials").doesNotContain("Service: S3");

            other.set("offsite.s3.access-key", key).set("offsite.s3.bucket", "no-such-bucket-here");
            SyncReport missing = other.sync();
            assertThat(missing.status()).isEqualTo(RunStatus.FAILED);
            assertThat(missing.reason()).isEqualTo("offsite.s3.bucket: bucket 'no-such-bucket-here' does not exist (create it, or set"
                    + " offsite.s3.create-bucket=true)");
            OffsiteHarness.CommandResult verifyMissing = other.command("verify");
            assertThat(verifyMissing.exit()).as(verifyMissing.out()).isEqualTo(1);
            assertThat(verifyMissing.out()).startsWith("FAILED: offsite.s3.bucket: bucket 'no-such-bucket-here' does not exist at ");
        }
    }

    /**
     * A command that reads the bucket run against a store it cannot read: the setting to check, exit 1 (restores: was the
     * SDK's own words and exit 2; verify: every file "missing from the bucket" for a bucket that is not there).
     */
    record RestoreFault(String command, String setting, String value, String said) {
        @Override
        public String toString() {
            return command + " with " + setting + "=" + value;
        }
    }

    static Stream<RestoreFault> restoreFaults() {
        return Stream.of("restore-set", "restore-image", "verify").flatMap(command -> Stream.of(
                new RestoreFault(command, "offsite.s3.secret-key", "Sup3rS3cretValue-Never-Print", "FAILED: S3 refused the credentials"),
                new RestoreFault(command, "offsite.s3.bucket", "no-such-bucket-here", "FAILED: offsite.s3.bucket: bucket 'no-such-bucket-here'"
                        + " does not exist at http://127.0.0.1:"),
                new RestoreFault(command, "offsite.s3.endpoint", "http://127.0.0.1:9", "FAILED: cannot reach offsite.s3.endpoint"
                        + " http://127.0.0.1:9: connection refused")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restoreFaults")
    void a_restore_or_verify_of_a_store_it_cannot_read_fails_with_exit_1_naming_what_to_check(RestoreFault fault) throws Exception {
        String[] args = fault.command().equals("verify") ? new String[] {"verify"}
                : new String[] {fault.command(), "--to", dir.resolve("restored").toString()};
        OffsiteHarness.CommandResult result = app.set(fault.setting(), fault.value()).command(args);

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).startsWith(fault.said()).doesNotContain("Sup3rS3cretValue").doesNotContain("Service: S3");
    }
}
