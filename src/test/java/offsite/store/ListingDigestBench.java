package offsite.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a pass spends to find its listing of 100,000 objects unchanged, before (compress, then hash the compressed bytes)
 * and now (hash the names and sizes): java -cp ... offsite.store.ListingDigestBench [ROUNDS [content-first]]. Prints,
 * asserts nothing; a pass does this once per process, so round 0 of a fresh JVM is the figure closest to a night's.
 */
public final class ListingDigestBench {

    private ListingDigestBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int first = args.length > 1 && args[1].equals("content-first") ? 1 : 0;
        Random random = new Random(1);
        List<RemoteObject> objects = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) { // the shape MirrorListingTest stores: a set's folders of chunk files
            objects.add(new RemoteObject(String.format("sets/host%d/2026-%02d/Members/AA%06d.rdb", i % 7, 1 + i % 12, i),
                    1 + (long) (random.nextDouble() * 600_000_000L), "", Instant.EPOCH));
        }
        for (int round = 0; round < rounds; round++) { // alternated round by round, so neither always runs first
            MirrorListing listing = MirrorListing.of("sets/", objects);
            long compressed = 0;
            long content = 0;
            for (int which = 0; which < 2; which++) {
                long t0 = System.nanoTime();
                if ((which + round + first) % 2 == 0) {
                    MirrorListing.storedDigest(listing.encode());
                    compressed = System.nanoTime() - t0;
                } else {
                    listing.contentDigest();
                    content = System.nanoTime() - t0;
                }
            }
            System.out.printf("round %2d: encode + storedDigest %6.1f ms, contentDigest %5.1f ms%n", round, compressed / 1e6, content / 1e6);
        }
    }
}
