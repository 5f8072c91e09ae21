package offsite.store;

import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/** Lists a prefix for the status page and the status command (every page, through the one client). */
public final class S3Inventory {

    private final S3Client s3;
    private final String bucket;

    public S3Inventory(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public List<RemoteObject> list(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .filter(o -> !o.key().endsWith("/"))
                .map(o -> new RemoteObject(o.key(), o.size(), o.eTag(), o.lastModified())).toList();
    }
}
