package offsite.sync;

import java.time.Clock;
import offsite.store.Bucket;
import offsite.store.Fallbacks;
import offsite.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an object a pass is about to replace, as deleted objects are kept: a server-side copy to the trash prefix
 * (trash/DAY/KEY, or beside an earlier copy of the day: {@link TrashKeys}), purged after offsite.sync.trash-days. Not
 * needed where the bucket versions (the noncurrent version keeps it). Where the service cannot copy, said once in a
 * WARN: the change guard is then what protects the copy; a chunk is never downloaded and uploaded again inside the
 * window to keep it.
 */
public final class ReplacedCopies {

    private static final Logger LOG = LoggerFactory.getLogger(ReplacedCopies.class);

    private final Bucket bucket;
    private final Fallbacks fallbacks;
    private final TrashKeys trashKeys;

    public ReplacedCopies(Bucket bucket, Fallbacks fallbacks, String trashPrefix, Clock clock) {
        this.bucket = bucket;
        this.fallbacks = fallbacks;
        this.trashKeys = new TrashKeys(bucket, trashPrefix, clock);
    }

    /**
     * Copies the object at key to the trash before it is replaced; returns the copy, or null when none was made (the
     * bucket versions, or the service cannot copy). Throws when the copy failed otherwise: the object must not be
     * replaced then.
     */
    public TrashMove keep(String key, long size, boolean versioned) {
        if (versioned || fallbacks.lacks("CopyObject")) {
            return null;
        }
        String trashKey = trashKeys.unused(key); // a copy kept earlier today stays: this one goes beside it
        try {
            bucket.copy(key, trashKey, size);
        } catch (StoreException e) {
            if (e.unsupported()) {
                LOG.warn("replaced objects cannot be kept in the trash: the S3 service does not offer CopyObject; the change guard"
                        + " (offsite.sync.max-change-percent) is what protects the stored copy");
                return null;
            }
            throw e;
        }
        return new TrashMove(key, trashKey, size);
    }
}
