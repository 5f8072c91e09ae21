package offsite.store;

import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What a request that writes an object carries because a setting asks for it: the storage class
 * (offsite.s3.storage-class) and the server-side encryption (offsite.s3.server-side-encryption), null for none. A service
 * that refuses one is told apart from one that lacks an operation, and the refusal names the setting and its value.
 */
record ObjectOptions(String storageClass, ServerSideEncryption encryption) {

    static final ObjectOptions NONE = new ObjectOptions(null, null);

    private static final Pattern STORAGE_CLASS = Pattern.compile("(?i)storage[ _-]?class");
    private static final Pattern ENCRYPTION = Pattern.compile("(?i)encrypt|\\bkms\\b");

    /** A setting the service refused, and one line saying so. */
    record Refusal(String setting, String reason) {
    }

    /**
     * The setting the answer refuses, or null: a class refused by the code S3, MinIO and s3rver give (InvalidStorageClass)
     * or by a 400 or 501 whose message speaks of the storage class; an encryption refused by a KMS error code or a 400,
     * 403 or 501 whose message speaks of encryption or KMS; and a bare 400 InvalidArgument, Ceph RGW 16's answer to a
     * class its placement lacks, taken as the class's where one was sent, else the encryption's.
     */
    Refusal refusal(S3Exception e) {
        if (e.awsErrorDetails() == null) {
            return null;
        }
        int status = e.statusCode();
        String code = e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails().errorMessage();
        boolean blank = message == null || message.isBlank();
        boolean bare = status == 400 && "InvalidArgument".equals(code) && blank;
        String answer = "(" + status + (code == null ? "" : " " + code) + (blank ? "" : ": " + message) + ")";
        if (storageClass != null && ("InvalidStorageClass".equals(code) || bare
                || !blank && STORAGE_CLASS.matcher(message).find() && (status == 400 || status == 501))) {
            return new Refusal(StorageClass.SETTING, StorageClass.SETTING + ": the S3 service refuses storage class '" + storageClass
                    + "' " + answer + ": set a class it offers, or leave " + StorageClass.SETTING + " empty for its default class");
        }
        if (encryption != null && (code != null && code.startsWith("KMS.") || bare
                || !blank && ENCRYPTION.matcher(message).find() && (status == 400 || status == 403 || status == 501))) {
            return new Refusal(ServerSideEncryption.SETTING, ServerSideEncryption.SETTING + ": the S3 service refuses server-side"
                    + " encryption '" + encryption + "' " + answer + ": set one it offers (with " + ServerSideEncryption.KEY_SETTING
                    + " for aws:kms where it needs the key named), or leave " + ServerSideEncryption.SETTING + " empty for the"
                    + " bucket's default encryption");
        }
        return null;
    }
}
