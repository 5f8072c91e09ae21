package offsite.store;

import offsite.config.SettingError;

/**
 * offsite.s3.server-side-encryption and offsite.s3.sse-kms-key-id: the x-amz-server-side-encryption every object is
 * written with (AES256: keys S3 manages; aws:kms: a KMS key, the bucket's default one unless kmsKeyId names it), for
 * buckets whose policy refuses writes without the header.
 */
public record ServerSideEncryption(String algorithm, String kmsKeyId) {

    static final String SETTING = "offsite.s3.server-side-encryption";
    static final String KEY_SETTING = "offsite.s3.sse-kms-key-id";
    static final String AES256 = "AES256";
    static final String KMS = "aws:kms";

    public ServerSideEncryption {
        if (!AES256.equals(algorithm) && !KMS.equals(algorithm)) {
            throw new IllegalArgumentException(SETTING + ": " + algorithm);
        }
        if (kmsKeyId != null && !KMS.equals(algorithm)) {
            throw new IllegalArgumentException(KEY_SETTING + " without aws:kms");
        }
    }

    /** The settings' values (either may be null or blank); null when no encryption is asked for (no header is sent). */
    public static ServerSideEncryption parse(String algorithm, String kmsKeyId) {
        String key = kmsKeyId == null || kmsKeyId.isBlank() ? null : kmsKeyId.trim();
        if (algorithm == null || algorithm.isBlank()) {
            if (key != null) {
                throw new SettingError(KEY_SETTING, key, "empty, unless " + SETTING + "=aws:kms (the key of SSE-KMS)");
            }
            return null;
        }
        String name = algorithm.trim();
        String canonical = name.equalsIgnoreCase(AES256) ? AES256 : name.equalsIgnoreCase(KMS) ? KMS : null;
        if (canonical == null) {
            throw new SettingError(SETTING, algorithm, "empty (the bucket's default encryption), AES256 (SSE-S3) or aws:kms (SSE-KMS,"
                    + " with " + KEY_SETTING + " naming the key or empty for the bucket's)");
        }
        if (key != null && canonical.equals(AES256)) {
            throw new SettingError(KEY_SETTING, key, "empty with " + SETTING + "=AES256 (a KMS key is for aws:kms only)");
        }
        if (key != null && !key.matches("[A-Za-z0-9:/_.+=@-]{1,2048}")) {
            throw new SettingError(KEY_SETTING, key, "a KMS key id, ARN or alias (alias/NAME)");
        }
        return new ServerSideEncryption(canonical, key);
    }

    @Override
    public String toString() {
        return algorithm + (kmsKeyId == null ? "" : " (key " + kmsKeyId + ")");
    }
}
