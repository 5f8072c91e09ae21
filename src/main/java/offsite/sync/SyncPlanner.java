package offsite.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import offsite.store.RemoteObject;

/**
 * Compares the scanned source with the remote listing, by size first and by ETag only when sizes agree,
 * so a file is hashed only when that can change the decision. Decides, never acts. The files named in rehash
 * (offsite.sync.rehash-percent's share, chosen by the caller) are hashed afresh although their ETag is cached; one
 * whose bytes no longer give the cached ETag is planned by its new ETag and listed in the plan's staleCache.
 */
public final class SyncPlanner {

    /** The local ETag of a file, for the shape it would be uploaded with. */
    @FunctionalInterface
    public interface EtagSource {
        String etag(LocalFile file) throws IOException;
    }

    private final String prefix;
    private final EtagSource etags;
    private final EtagSource afresh;
    private final Set<String> rehash;

    /** etags: cached where known; afresh: hashed from the bytes; rehash: relative paths to hash afresh anyway. */
    public SyncPlanner(String prefix, EtagSource etags, EtagSource afresh, Set<String> rehash) {
        this.prefix = prefix;
        this.etags = etags;
        this.afresh = afresh;
        this.rehash = Set.copyOf(rehash);
    }

    public SyncPlanner(String prefix, EtagSource etags) {
        this(prefix, etags, etags, Set.of());
    }

    public SyncPlan plan(Collection<LocalFile> stable, Collection<LocalFile> stillChanging, Collection<RemoteObject> remote) {
        Map<String, RemoteObject> byKey = new HashMap<>();
        long remoteBytes = 0;
        for (RemoteObject r : remote) {
            byKey.put(r.key(), r);
            remoteBytes += r.size();
        }
        Map<String, RemoteObject> unmatched = new HashMap<>(byKey);
        List<PlannedFile> out = new ArrayList<>();
        for (LocalFile f : stillChanging) {
            String key = prefix + f.relativePath();
            unmatched.remove(key);
            out.add(new PlannedFile(SyncAction.DEFERRED, key, f.size(), "modified too recently: still being written?", f, byKey.get(key)));
        }
        List<LocalFile> sameSize = new ArrayList<>();
        for (LocalFile f : stable) {
            String key = prefix + f.relativePath();
            RemoteObject r = unmatched.remove(key);
            if (r == null) {
                out.add(new PlannedFile(SyncAction.NEW, key, f.size(), "not in the bucket", f, null));
            } else if (r.size() != f.size()) {
                out.add(new PlannedFile(SyncAction.CHANGED, key, f.size(), "size " + r.size() + " -> " + f.size(), f, r));
            } else {
                sameSize.add(f);
            }
        }
        // hashing is the slow part of planning: spread it over the cores
        Set<String> stale = ConcurrentHashMap.newKeySet();
        out.addAll(sameSize.parallelStream().map(f -> compareEtag(f, byKey.get(prefix + f.relativePath()), stale)).toList());
        for (RemoteObject r : unmatched.values()) {
            out.add(new PlannedFile(SyncAction.REMOTE_ONLY, r.key(), r.size(), "not in the source", null, r));
        }
        out.sort(Comparator.comparing(PlannedFile::key));
        return new SyncPlan(out, remoteBytes, byKey.size(), stale);
    }

    private PlannedFile compareEtag(LocalFile f, RemoteObject r, Set<String> stale) {
        String local;
        String reason = "";
        try {
            local = etags.etag(f);
            if (rehash.contains(f.relativePath())) {
                String cached = local;
                local = afresh.etag(f);
                if (!local.equals(cached)) {
                    stale.add(r.key());
                    reason = " (re-hashed: the cache held " + cached + " for the same size and times)";
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f.path() + " to hash it: " + e.getMessage(), e);
        }
        if (local.equals(r.etag())) {
            return new PlannedFile(SyncAction.UNCHANGED, r.key(), f.size(), "same size and ETag" + reason, f, r);
        }
        return new PlannedFile(SyncAction.CHANGED, r.key(), f.size(), "ETag " + r.etag() + " -> " + local + reason, f, r);
    }
}
