package offsite.store;

import static offsite.store.S3ErrorsTest.s3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Which answers to a write are read as the service refusing a setting's header, and the line that names it. */
class ObjectOptionsTest {

    private static final ObjectOptions CLASS = new ObjectOptions("STANDARD_IA", null);
    private static final ObjectOptions KMS = new ObjectOptions(null, new ServerSideEncryption("aws:kms", "alias/backups"));
    private static final ObjectOptions BOTH = new ObjectOptions("GLACIER_IR", new ServerSideEncryption("AES256", null));

    /** What a request carried, the answer, and the line it gives (null: not a refusal of a setting). */
    record Answer(String name, ObjectOptions sent, S3Exception answer, String refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Answer> answers() {
        String classTail = ": set a class it offers, or leave offsite.s3.storage-class empty for its default class";
        String kmsTail = ": set one it offers (with offsite.s3.sse-kms-key-id for aws:kms where it needs the key named), or leave"
                + " offsite.s3.server-side-encryption empty for the bucket's default encryption";
        return Stream.of(
                new Answer("InvalidStorageClass (S3, MinIO, s3rver)", CLASS, s3Error(400, "InvalidStorageClass",
                        "The storage class you specified is not valid"), "offsite.s3.storage-class: the S3 service refuses storage class"
                        + " 'STANDARD_IA' (400 InvalidStorageClass: The storage class you specified is not valid)" + classTail),
                new Answer("a bare 400 InvalidArgument (Ceph RGW 16) blames the class", BOTH, s3Error(400, "InvalidArgument", ""),
                        "offsite.s3.storage-class: the S3 service refuses storage class 'GLACIER_IR' (400 InvalidArgument)" + classTail),
                new Answer("a 501 naming the storage class", CLASS, s3Error(501, "NotImplemented", "x-amz-storage-class is not implemented"),
                        "offsite.s3.storage-class: the S3 service refuses storage class 'STANDARD_IA' (501 NotImplemented:"
                                + " x-amz-storage-class is not implemented)" + classTail),
                new Answer("Ceph RGW's aws:kms without a key it can use", KMS, s3Error(400, "InvalidArgument", "Server Side Encryption with"
                        + " KMS managed key requires HTTP header x-amz-server-side-encryption-aws-kms-key-id"),
                        "offsite.s3.server-side-encryption: the S3 service refuses server-side encryption 'aws:kms (key alias/backups)'"
                                + " (400 InvalidArgument: Server Side Encryption with KMS managed key requires HTTP header"
                                + " x-amz-server-side-encryption-aws-kms-key-id)" + kmsTail),
                new Answer("a KMS error code", KMS, s3Error(400, "KMS.NotFoundException", "Invalid keyId alias/backups"),
                        "offsite.s3.server-side-encryption: the S3 service refuses server-side encryption 'aws:kms (key alias/backups)'"
                                + " (400 KMS.NotFoundException: Invalid keyId alias/backups)" + kmsTail),
                new Answer("a 403 naming KMS, the key's policy", KMS, s3Error(403, "AccessDenied", "User is not authorized to perform:"
                        + " kms:GenerateDataKey"), "offsite.s3.server-side-encryption: the S3 service refuses server-side encryption"
                        + " 'aws:kms (key alias/backups)' (403 AccessDenied: User is not authorized to perform: kms:GenerateDataKey)" + kmsTail),
                new Answer("an InvalidArgument that says what else is wrong", BOTH, s3Error(400, "InvalidArgument", "Invalid metadata value"),
                        null),
                new Answer("a 501 about something else", CLASS, s3Error(501, "NotImplemented", "A header you provided implies functionality"
                        + " that is not implemented"), null),
                new Answer("a plain 403 with encryption sent", KMS, s3Error(403, "AccessDenied", "Access Denied"), null),
                new Answer("a request that carried neither", ObjectOptions.NONE, s3Error(400, "InvalidArgument", ""), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void a_refused_header_names_its_setting_and_value_and_nothing_else_does(Answer a) {
        ObjectOptions.Refusal refusal = a.sent().refusal(a.answer());

        assertThat(refusal == null ? null : refusal.reason()).isEqualTo(a.refusal());
        if (refusal != null) {
            assertThat(a.refusal()).startsWith(refusal.setting() + ": ");
        }
    }
}
