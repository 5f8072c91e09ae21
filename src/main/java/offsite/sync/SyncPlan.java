package offsite.sync;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The decisions of one run, in key order; uploads are biggest first so long transfers start early. staleCache: the
 * keys whose re-hash (offsite.sync.rehash-percent) gave another ETag than the cache held for the same size and times.
 */
public record SyncPlan(List<PlannedFile> files, long remoteBytes, int remoteObjects, Set<String> staleCache) {

    public SyncPlan {
        files = List.copyOf(files);
        staleCache = Set.copyOf(staleCache);
    }

    public SyncPlan(List<PlannedFile> files, long remoteBytes, int remoteObjects) {
        this(files, remoteBytes, remoteObjects, Set.of());
    }

    public List<PlannedFile> with(SyncAction action) {
        return files.stream().filter(f -> f.action() == action).toList();
    }

    public List<PlannedFile> uploads() {
        return files.stream().filter(f -> f.action().uploads())
                .sorted((a, b) -> Long.compare(b.size(), a.size())).toList();
    }

    public long uploadBytes() {
        return uploads().stream().mapToLong(PlannedFile::size).sum();
    }

    /** Files and bytes per action, in the enum's order. */
    public Map<SyncAction, long[]> totals() {
        Map<SyncAction, long[]> totals = new TreeMap<>();
        for (SyncAction action : SyncAction.values()) {
            totals.put(action, new long[2]);
        }
        for (PlannedFile f : files) {
            long[] t = totals.get(f.action());
            t[0]++;
            t[1] += f.size();
        }
        return totals;
    }
}
