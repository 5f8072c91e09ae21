package offsite.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import offsite.store.Bucket;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.StoreException;
import offsite.sync.PrintableName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's download of one object, read through the bucket as every pipeline reads: its body, streamed; or, when S3
 * does not give it, the answer's status and text, the failure logged in the store's words (S3Errors'), never the SDK's.
 */
public final class ObjectDownload {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectDownload.class);

    private final Bucket bucket;
    private final S3Settings s3;

    public ObjectDownload(Bucket bucket, S3Settings s3) {
        this.bucket = bucket;
        this.s3 = s3;
    }

    /**
     * The body, from its first byte, of the object the request's key parameter names, read from its headers as sent (the
     * key WebPaths judged); a failure is a StoreException naming the key.
     */
    public InputStream open(Map<String, Object> request) throws IOException {
        return bucket.get(PageQuery.parameter(request, "key"), 0);
    }

    /** 404 for an object the bucket does not hold, 502 for any other failure (the service refused, or gave no answer). */
    public int status(Exception failure) {
        return missingObject(failure) ? 404 : 502;
    }

    /** The answer's text for a failed download; a failure other than a missing object is logged with its reason. */
    public String refusal(Exception failure) {
        if (missingObject(failure)) {
            return "no such object";
        }
        StoreException store = storeFailure(failure);
        String reason = store != null ? store.getMessage() : S3Errors.explain(failure, s3);
        LOG.warn("the status page's download was not given: {}", PrintableName.of(reason));
        return "the S3 service did not give the object (see the log)";
    }

    private static boolean missingObject(Exception failure) {
        StoreException store = storeFailure(failure);
        return store != null && store.notFound() && !"NoSuchBucket".equals(store.code());
    }

    private static StoreException storeFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException s) {
                return s;
            }
        }
        return null;
    }
}
