package offsite.store;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** Streams objects out of the bucket, whole or from an offset, for restores that resume. */
public final class S3Downloads {

    private final S3Client s3;
    private final String bucket;

    public S3Downloads(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /**
     * The object's bytes from offset to the end; the caller closes the stream. An answer cut short throws an
     * IOException naming the key when it ends, never a quiet end of stream.
     */
    public InputStream open(String key, long offset) throws IOException {
        ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> {
            b.bucket(bucket).key(key);
            if (offset > 0) {
                b.range("bytes=" + offset + "-");
            }
        });
        Long length = in.response().contentLength();
        // the JDK's HTTP client ends a body cut short by a closed connection as if it were complete
        return length == null ? in : new WholeAnswer(in, key, offset, length);
    }

    /** The size of one part of a multipart object (S3's GET with partNumber), to re-compute its ETag. */
    public long partSize(String key) {
        return s3.headObject(b -> b.bucket(bucket).key(key).partNumber(1)).contentLength();
    }
}
