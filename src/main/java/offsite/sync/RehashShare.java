package offsite.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which cached files a night re-hashes anyway (offsite.sync.rehash-percent, as restic check --read-data-subset reads a
 * share of the packs): files whose bytes add up to the share of the whole set's bytes, those hashed longest ago first,
 * so that over 100 / percent nights every file is read once. An edit the cache cannot see (a file rewritten with its
 * size and times put back) is found within that many nights.
 */
final class RehashShare {

    private RehashShare() {
    }

    /**
     * The relative paths chosen. hashedAt: when the cache last hashed the file, null when it does not know the file
     * (then it is hashed tonight anyway and not chosen). percent 0 chooses nothing; above 0 at least one known file.
     */
    static Set<String> choose(Collection<LocalFile> files, Function<LocalFile, Instant> hashedAt, double percent) {
        if (percent <= 0) {
            return Set.of();
        }
        record Known(LocalFile file, Instant hashedAt) {
        }
        List<Known> known = new ArrayList<>();
        long total = 0;
        for (LocalFile f : files) {
            total += f.size();
            Instant at = hashedAt.apply(f);
            if (at != null) {
                known.add(new Known(f, at));
            }
        }
        known.sort(Comparator.comparing(Known::hashedAt).thenComparing(k -> k.file().relativePath()));
        double budget = total * percent / 100;
        Set<String> chosen = new HashSet<>();
        long bytes = 0;
        for (Known k : known) {
            if (!chosen.isEmpty() && bytes >= budget) {
                break;
            }
            chosen.add(k.file().relativePath());
            bytes += k.file().size();
        }
        return chosen;
    }
}
