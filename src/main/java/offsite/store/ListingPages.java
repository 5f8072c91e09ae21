package offsite.store;

import java.util.List;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The registry bean the list-objects route hands each page to; the Listing it fills travels with the exchange. */
public final class ListingPages {

    public void add(Listing listing, List<S3Object> page) {
        listing.add(page);
    }
}
