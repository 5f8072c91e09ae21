package offsite.store;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import offsite.config.SettingError;
import offsite.config.UrlLogin;

/**
 * Where and how to reach S3. A null endpoint means the embedded S3Proxy server.
 * The secret key is held but never printed: toString() redacts it. storageClass is offsite.s3.storage-class, the class
 * the bucket stores data objects in ({@link Bucket.Kind#DATA}); null sends no class, leaving the service's default.
 * encryption is offsite.s3.server-side-encryption, sent with every object written; null sends none.
 */
public record S3Settings(
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKey,
        String secretKey,
        String bucket,
        ChecksumMode checksumMode,
        int maxAttempts,
        boolean createBucket,
        boolean signPayload,
        boolean listRecursive,
        StorageClass storageClass,
        ServerSideEncryption encryption) {

    /** When the SDK adds its own checksums: WHEN_REQUIRED keeps S3-compatible servers such as S3Proxy working. */
    public enum ChecksumMode { WHEN_REQUIRED, WHEN_SUPPORTED }

    /** No storage class asked for: the service's default for every object. */
    public S3Settings(URI endpoint, String region, boolean pathStyle, String accessKey, String secretKey, String bucket,
            ChecksumMode checksumMode, int maxAttempts, boolean createBucket, boolean signPayload, boolean listRecursive) {
        this(endpoint, region, pathStyle, accessKey, secretKey, bucket, checksumMode, maxAttempts, createBucket, signPayload, listRecursive,
                null, null);
    }

    /** Listing folder by folder (listRecursive false), as most settings in tests want. */
    public S3Settings(URI endpoint, String region, boolean pathStyle, String accessKey, String secretKey, String bucket,
            ChecksumMode checksumMode, int maxAttempts, boolean createBucket, boolean signPayload) {
        this(endpoint, region, pathStyle, accessKey, secretKey, bucket, checksumMode, maxAttempts, createBucket, signPayload, false);
    }

    public S3Settings {
        Objects.requireNonNull(region, "offsite.s3.region");
        Objects.requireNonNull(checksumMode, "offsite.s3.checksum");
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("offsite.s3.bucket: '" + bucket
                    + "' is not a valid bucket name (3-63 characters: lower-case letters, digits, '.' and '-')"
                    + SettingError.emptiedBy("offsite.s3.bucket", bucket));
        }
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new IllegalArgumentException("offsite.s3.max-attempts: " + maxAttempts + " is out of range (expected 1 to 20)");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException(
                    "offsite.s3.access-key and offsite.s3.secret-key: set both or neither (neither uses the AWS default credentials chain)");
        }
        if (endpoint != null && (endpoint.getScheme() == null
                || !endpoint.getScheme().toLowerCase(Locale.ROOT).matches("https?") || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("offsite.s3.endpoint: '" + UrlLogin.hidden(endpoint.toString())
                    + "' is not an http(s) URL (expected for example https://s3.eu-west-1.amazonaws.com, or 'embedded')");
        }
    }

    public boolean embedded() {
        return endpoint == null;
    }

    /** These settings pointed at the embedded server: its endpoint and credentials, path-style, bucket created on demand. */
    public S3Settings at(URI newEndpoint, String newAccessKey, String newSecretKey) {
        return new S3Settings(newEndpoint, region, true, newAccessKey, newSecretKey, bucket, checksumMode, maxAttempts, true, signPayload,
                listRecursive, storageClass, encryption);
    }

    /** These settings with data objects stored in this class (null: the service's default). */
    public S3Settings withStorageClass(StorageClass newClass) {
        return new S3Settings(endpoint, region, pathStyle, accessKey, secretKey, bucket, checksumMode, maxAttempts, createBucket, signPayload,
                listRecursive, newClass, encryption);
    }

    /** These settings with every object written under this server-side encryption (null: none asked for). */
    public S3Settings withEncryption(ServerSideEncryption newEncryption) {
        return new S3Settings(endpoint, region, pathStyle, accessKey, secretKey, bucket, checksumMode, maxAttempts, createBucket, signPayload,
                listRecursive, storageClass, newEncryption);
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + (embedded() ? "embedded" : UrlLogin.hidden(endpoint.toString())) + ", region=" + region + ", pathStyle=" + pathStyle
                + ", accessKey=" + (accessKey == null ? "(default chain)" : "(set)") + ", bucket=" + bucket
                + ", checksumMode=" + checksumMode + ", maxAttempts=" + maxAttempts + ", listRecursive=" + listRecursive
                + ", storageClass=" + storageClass + ", encryption=" + encryption + "]";
    }
}
