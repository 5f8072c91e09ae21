package offsite.store;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Pages through a prefix with the Camel component's listObjects, which makes one ListObjects call and returns
 * only the objects: a full page of 1,000 means there may be more, and the next page starts after its last key.
 * The route loops while more() holds, sending request() and handing each page to add().
 */
public final class Listing {

    static final int PAGE = 1000;

    private final String bucket;
    private final String prefix;
    private final List<RemoteObject> objects = new ArrayList<>();
    private String marker;
    private boolean more = true;

    public Listing(String bucket, String prefix) {
        this.bucket = bucket;
        this.prefix = prefix;
    }

    public boolean more() {
        return more;
    }

    public ListObjectsRequest request() {
        return ListObjectsRequest.builder().bucket(bucket).prefix(prefix).marker(marker).maxKeys(PAGE).build();
    }

    public void add(List<S3Object> page) {
        for (S3Object o : page) {
            // "folder/" markers (consoles, filesystem-backed servers) are not files of the set
            if (!o.key().endsWith("/")) {
                objects.add(new RemoteObject(o.key(), o.size(), o.eTag(), o.lastModified()));
            }
        }
        more = page.size() >= PAGE;
        if (!page.isEmpty()) {
            marker = page.get(page.size() - 1).key();
        }
    }

    public String prefix() {
        return prefix;
    }

    public List<RemoteObject> objects() {
        return List.copyOf(objects);
    }
}
