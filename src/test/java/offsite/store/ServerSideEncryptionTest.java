package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import offsite.config.SettingError;
import offsite.config.Settings;
import offsite.faults.FaultProxy;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.SentWrites.Sent;
import offsite.testing.CephRgw;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * offsite.s3.server-side-encryption: AES256 or aws:kms (with offsite.s3.sse-kms-key-id) asked for on every write, for
 * a bucket whose policy refuses writes without the header, played by a fault proxy in front of S3Proxy.
 */
class ServerSideEncryptionTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    /** The two settings' values, and what is read from them or the words of their refusal. */
    record Setting(String algorithm, String key, ServerSideEncryption read, String refusal) {
        @Override
        public String toString() {
            return "'" + algorithm + "', key '" + key + "'";
        }
    }

    static Stream<Setting> settings() {
        return Stream.of(
                new Setting("", "", null, null),
                new Setting("AES256", "", new ServerSideEncryption("AES256", null), null),
                new Setting("aes256", "", new ServerSideEncryption("AES256", null), null),
                new Setting("aws:kms", "", new ServerSideEncryption("aws:kms", null), null),
                new Setting("AWS:KMS", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                        new ServerSideEncryption("aws:kms", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"), null),
                new Setting("SSE-S3", "", null, "offsite.s3.server-side-encryption: 'SSE-S3' is not valid (expected empty (the bucket's default"
                        + " encryption), AES256 (SSE-S3) or aws:kms (SSE-KMS, with offsite.s3.sse-kms-key-id naming the key or empty for the"
                        + " bucket's))"),
                new Setting("AES256", "alias/backups", null, "offsite.s3.sse-kms-key-id: 'alias/backups' is not valid (expected empty with"
                        + " offsite.s3.server-side-encryption=AES256 (a KMS key is for aws:kms only))"),
                new Setting("", "alias/backups", null, "offsite.s3.sse-kms-key-id: 'alias/backups' is not valid (expected empty, unless"
                        + " offsite.s3.server-side-encryption=aws:kms (the key of SSE-KMS))"),
                new Setting("aws:kms", "my key", null, "offsite.s3.sse-kms-key-id: 'my key' is not valid (expected a KMS key id, ARN or alias"
                        + " (alias/NAME))"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void aes256_and_aws_kms_are_taken_and_the_rest_refused_naming_the_setting(Setting s) throws IOException {
        assertThat(PackedSettings.defaults()).as("the defaults").containsEntry(ServerSideEncryption.SETTING, "")
                .containsEntry(ServerSideEncryption.KEY_SETTING, "");
        Settings settings = PackedSettings.with(Map.of(ServerSideEncryption.SETTING, s.algorithm(), ServerSideEncryption.KEY_SETTING, s.key()));

        if (s.refusal() == null) {
            assertThat(S3SettingsReader.from(settings).encryption()).isEqualTo(s.read());
        } else {
            assertThatThrownBy(() -> S3SettingsReader.from(settings)).isInstanceOf(SettingError.class).hasMessage(s.refusal());
        }
    }

    /** The setting's values, and whether the bucket's policy lets the writes through. */
    record Policy(String algorithm, String key, boolean passes) {
        @Override
        public String toString() {
            return "'" + algorithm + "'" + (key.isEmpty() ? "" : " with key " + key);
        }
    }

    static Stream<Policy> policies() {
        return Stream.of(new Policy("", "", false), new Policy("AES256", "", true), new Policy("aws:kms", "alias/offsite-backups", true));
    }

    /**
     * A bucket policy denying every write without x-amz-server-side-encryption (PutObject, CopyObject,
     * CreateMultipartUpload; a part carries none), as AWS's documented one does.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void every_write_asks_for_the_encryption_so_a_policy_requiring_it_lets_sync_trash_and_images_through(Policy p) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir); FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            SentWrites sent = new SentWrites(proxy);
            proxy.refuse(r -> !r.hasHeader("x-amz-server-side-encryption") && !r.hasParameter("partNumber")
                    && (r.method().equals("PUT") && !r.bucketOnly() || r.method().equals("POST") && r.hasParameter("uploads")), 403, "AccessDenied");
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port()).set("offsite.sync.delete", "true")
                    .set("offsite.s3.server-side-encryption", p.algorithm()).set("offsite.s3.sse-kms-key-id", p.key());
            app.write("Members/AA000001.rdb", 12 * MB + 3, 1); // three parts
            app.write("Members/AA000002.rdb", 2 * MB, 2);
            app.write("Set A.rbc", 999, 3);

            SyncReport first = app.sync();
            if (!p.passes()) {
                assertThat(first.status()).isEqualTo(RunStatus.FAILED);
                assertThat(first.reason()).isEqualTo("S3 refused the credentials (AccessDenied): check offsite.s3.access-key /"
                        + " offsite.s3.secret-key or the AWS default credentials chain, and the bucket policy (one that refuses writes"
                        + " without encryption needs offsite.s3.server-side-encryption)");
                assertThat(sent.all()).isNotEmpty().allSatisfy(s -> assertThat(s.encryption()).as(s.toString()).isNull());
                proxy.passThrough();
                assertThat(app.bucketFiles("sets/")).isEmpty();
                return;
            }
            app.write("Members/AA000002.rdb", 3 * MB, 102); // replaced: its old copy to the trash
            Files.delete(app.source.resolve("Set A.rbc")); // deleted: moved to the trash
            SyncReport groom = app.sync();
            Files.writeString(Files.createDirectories(dir.resolve("machine/etc")).resolve("hostname"), "excalibur\n");
            OffsiteHarness.CommandResult image = app.set("offsite.image.roots", dir.resolve("machine").toString()).command("image");

            assertThat(first.status()).as(first.headline()).isEqualTo(RunStatus.OK);
            assertThat(groom.status()).as(groom.headline()).isEqualTo(RunStatus.OK);
            assertThat(image.exit()).as(image.out()).isZero();
            assertThat(app.bucketFiles("trash/")).hasSize(2);
            List<Sent> writes = sent.all().stream().filter(s -> !s.operation().equals("UploadPart")).toList();
            assertThat(writes).extracting(Sent::key).as("data, state, copies and multipart uploads")
                    .contains("sets/Members/AA000001.rdb", "sets.lease.json", "sets.generations.json")
                    .anyMatch(k -> k.startsWith("trash/")).anyMatch(k -> k.endsWith("/manifest.json"));
            assertThat(writes).extracting(Sent::operation).contains("PutObject", "CreateMultipartUpload", "CopyObject");
            String key = p.key().isEmpty() ? null : p.key();
            assertThat(writes).allSatisfy(s -> {
                assertThat(s.encryption()).as(s.toString()).isEqualTo(p.algorithm());
                assertThat(s.kmsKeyId()).as(s.toString()).isEqualTo(key);
            });
            assertThat(sent.of("UploadPart", "sets/")).isNotEmpty().allSatisfy(s -> assertThat(s.encryption()).isNull());
        }
    }

    @Test
    void a_service_that_refuses_the_encryption_fails_the_pass_naming_the_setting() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir, CephRgw.IMPLEMENTATION.bucket())) {
            app.write("Set A.rbc", 999, 3);
            app.set("offsite.s3.server-side-encryption", "aws:kms");

            OffsiteHarness.CommandResult sync = app.command("sync");

            assertThat(sync.exit()).as(sync.out()).isNotZero();
            // Ceph RGW 16 without a KMS: it asks for the key's name
            assertThat(sync.out().lines().findFirst().orElse("")).contains("offsite.s3.server-side-encryption: the S3 service refuses"
                    + " server-side encryption 'aws:kms' (400 InvalidArgument: Server Side Encryption with KMS managed key requires HTTP"
                    + " header x-amz-server-side-encryption-aws-kms-key-id): set one it offers");
            assertThat(sync.out()).doesNotContain("Exception", "\tat ");
        }
    }
}
