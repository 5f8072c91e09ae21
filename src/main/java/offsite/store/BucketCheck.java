package offsite.store;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Before a pass: the bucket exists and the credentials open it; a missing bucket is created only when allowed. */
public final class BucketCheck {

    private final S3Client client;
    private final S3Settings s3;

    public BucketCheck(S3Client client, S3Settings s3) {
        this.client = client;
        this.s3 = s3;
    }

    /** Returns null when the bucket is usable, otherwise one line saying what is wrong. */
    public String problem() {
        try {
            client.headBucket(b -> b.bucket(s3.bucket()));
            return null;
        } catch (NoSuchBucketException e) {
            return create();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return create();
            }
            return S3Errors.explain(e, s3);
        } catch (RuntimeException e) {
            return S3Errors.explain(e, s3);
        }
    }

    /** For routes: returns when the bucket is usable (created when allowed), else throws with {@link #problem()}'s line. */
    public void require() {
        String problem = problem();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }

    private String create() {
        if (!s3.createBucket()) {
            return "offsite.s3.bucket: bucket '" + s3.bucket() + "' does not exist (create it, or set offsite.s3.create-bucket=true)";
        }
        try {
            client.createBucket(b -> b.bucket(s3.bucket()));
            return null;
        } catch (RuntimeException e) {
            return "cannot create bucket '" + s3.bucket() + "': " + S3Errors.explain(e, s3);
        }
    }
}
