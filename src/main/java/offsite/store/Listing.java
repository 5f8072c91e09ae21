package offsite.store;

import java.util.List;

/** A prefix of the bucket and, once listed, every object under it. */
public record Listing(String bucket, String prefix, List<RemoteObject> objects) {

    public Listing {
        objects = List.copyOf(objects);
    }

    /** A prefix still to be listed. */
    public Listing(String bucket, String prefix) {
        this(bucket, prefix, List.of());
    }
}
