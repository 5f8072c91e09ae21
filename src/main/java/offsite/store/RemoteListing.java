package offsite.store;

/** The registry bean routes list with: a Listing in, the same prefix with every object under it out. */
public final class RemoteListing {

    private final Bucket bucket;

    public RemoteListing(Bucket bucket) {
        this.bucket = bucket;
    }

    public Listing list(Listing wanted) {
        return new Listing(wanted.bucket(), wanted.prefix(), bucket.list(wanted.prefix()));
    }
}
