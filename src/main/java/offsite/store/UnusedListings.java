package offsite.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The listings beside the generations' state (sets.generations/gN-SHA256.zst) that no generation points to: one a pass
 * stored and then stopped before the record naming it (a crash between the two writes), and those of retired
 * generations. Found by one LIST of that folder alone; a key goes only when it parses as a listing key, neither the state
 * the pass saved nor the state in the bucket now points to it, and it is older than MARGIN.
 */
public final class UnusedListings {

    /**
     * How old a listing no record points to must be before it goes. A pass stores its listing, then at once the record
     * naming it; a pass of another process (a lease taken over after max-duration and grace) may look between the two
     * writes. A day is far longer than that gap: only a process frozen for a day between them loses its listing, and
     * its record then makes restore-set compare counts, as for any listing missing.
     */
    public static final Duration MARGIN = Duration.ofDays(1);

    private final Bucket bucket;
    private final Generations generations;
    private final ServiceClock clock;

    /** clock: ages go by the earlier of the service's time and the host's, so a host clock days fast deletes nothing early. */
    public UnusedListings(Bucket bucket, Generations generations, ServiceClock clock) {
        this.bucket = bucket;
        this.generations = generations;
        this.clock = clock;
    }

    /**
     * Deletes the listings no generation points to, in saved (the state a pass just wrote) or in the state read back now
     * (a record another process wrote since), older than MARGIN; returns their keys. A state in the bucket that is missing
     * or damaged deletes nothing: what it pointed to is not known. Throws what the store throws.
     */
    public List<String> delete(Generations.State saved) {
        Generations.Loaded now = generations.read();
        if (now.repaired() != null) {
            return List.of();
        }
        Set<String> pointed = new HashSet<>(generations.listingsIn(saved));
        pointed.addAll(generations.listingsIn(now.state()));
        Instant before = clock.earlier().minus(MARGIN);
        List<String> deleted = new ArrayList<>();
        for (RemoteObject o : bucket.list(generations.listingFolder())) {
            if (generations.isListingKey(o.key()) && !pointed.contains(o.key()) && o.lastModified() != null
                    && o.lastModified().isBefore(before)) {
                bucket.delete(o.key());
                deleted.add(o.key());
            }
        }
        return deleted;
    }
}
