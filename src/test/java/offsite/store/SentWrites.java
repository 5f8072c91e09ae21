package offsite.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import offsite.faults.FaultProxy;

/**
 * Every request that writes an object or a part, as it reached the fault proxy: its S3 operation, its key and the headers
 * settings add (x-amz-storage-class, x-amz-server-side-encryption and its KMS key id; null for none). Watches without
 * refusing anything.
 */
final class SentWrites {

    /** One request writing an object or a part. */
    record Sent(String operation, String key, String storageClass, String encryption, String kmsKeyId) {
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();

    SentWrites(FaultProxy proxy) {
        proxy.refuse(r -> {
            String operation = operation(r);
            if (operation != null) {
                sent.add(new Sent(operation, key(r.path()), r.headers().get("x-amz-storage-class"),
                        r.headers().get("x-amz-server-side-encryption"), r.headers().get("x-amz-server-side-encryption-aws-kms-key-id")));
            }
            return false;
        }, 500, "InternalError");
    }

    List<Sent> all() {
        return List.copyOf(sent);
    }

    /** The requests of an operation whose key starts with this prefix. */
    List<Sent> of(String operation, String keyPrefix) {
        return sent.stream().filter(s -> s.operation().equals(operation) && s.key().startsWith(keyPrefix)).toList();
    }

    void clear() {
        sent.clear();
    }

    private static String operation(FaultProxy.Request r) {
        boolean copy = r.hasHeader("x-amz-copy-source");
        if (r.method().equals("PUT") && !r.bucketOnly()) {
            return r.hasParameter("partNumber") ? (copy ? "UploadPartCopy" : "UploadPart") : copy ? "CopyObject" : "PutObject";
        }
        if (r.method().equals("POST") && r.hasParameter("uploads")) {
            return "CreateMultipartUpload";
        }
        return null;
    }

    /** The key of a path-style object path (/bucket/key), decoded. */
    private static String key(String path) {
        return URLDecoder.decode(path.substring(path.indexOf('/', 1) + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
