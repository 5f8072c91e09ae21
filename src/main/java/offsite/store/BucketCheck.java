package offsite.store;

/** For routes: a step that returns when the bucket is usable (created when allowed), else fails with the reason. */
public final class BucketCheck {

    private final Bucket bucket;

    public BucketCheck(Bucket bucket) {
        this.bucket = bucket;
    }

    public void require() {
        String problem = bucket.problem();
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
    }
}
