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
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import offsite.store.RemoteObject;

/**
 * Compares the scanned source with the remote listing, by size first and by ETag only when sizes agree,
 * so a file is hashed only when that can change the decision. Decides, never acts. The files named in rehash
 * (offsite.sync.rehash-percent's share, chosen by the caller) are hashed afresh although their ETag is cached; one
 * whose bytes no longer give the cached ETag is planned by its new ETag and listed in the plan's staleCache.
 *
 * <p>A same-size object is unchanged when its ETag is the one the server gave when the file's current content was
 * uploaded, or the file's local ETag, or, where the object carries an md5chksum (rclone's metadata, which uploads store
 * where ETags are not MD5s), when that is the file's MD5. Where ETags are known not to be MD5s, the md5chksum is asked
 * for (a HEAD) before the local ETag is computed: only objects without one are compared by ETag then.
 */
public final class SyncPlanner {

    /** The local ETag of a file, for the shape it would be uploaded with. */
    @FunctionalInterface
    public interface EtagSource {
        String etag(LocalFile file) throws IOException;
    }

    /** What tells a same-size file from its object besides the local ETag. */
    public interface ContentEvidence {
        /**
         * The ETag an object holding the file's current content is known to be listed under: the one the server returned
         * when it was uploaded (or, where that was the local ETag, the local ETag); null when not known.
         */
        String uploadedAs(LocalFile file);

        /** The MD5 (hex) of the file's whole content. */
        String md5(LocalFile file) throws IOException;

        /** The MD5 (hex) the object's md5chksum metadata holds; null when it has none. */
        String storedMd5(RemoteObject object);

        /** Whether the service's ETags are known not to be MD5s. */
        boolean opaque();

        /**
         * The file's ETag as the object was uploaded, where that upload was shaped otherwise than uploads are now (a part
         * size or multipart threshold changed since): its whole MD5 for an object sent in one PUT, its multipart ETag at the
         * object's own part size for one sent in parts; null when the object was shaped as uploads are now, or its part
         * size cannot be told (nothing to learn: its ETag differs for other bytes).
         */
        default String etagAsUploaded(LocalFile file, RemoteObject object) throws IOException {
            return null;
        }
    }

    /** No evidence but the ETags: a service whose ETags are MD5s, objects without md5chksum, nothing recorded. */
    public static final ContentEvidence ETAGS_ONLY = new ContentEvidence() {
        @Override
        public String uploadedAs(LocalFile file) {
            return null;
        }

        @Override
        public String md5(LocalFile file) {
            throw new IllegalStateException("no stored MD5 to compare with");
        }

        @Override
        public String storedMd5(RemoteObject object) {
            return null;
        }

        @Override
        public boolean opaque() {
            return false;
        }
    };

    private final String prefix;
    private final EtagSource etags;
    private final EtagSource afresh;
    private final Set<String> rehash;
    private final ContentEvidence evidence;

    /**
     * etags: cached where known; afresh: hashed from the bytes; rehash: relative paths to hash afresh anyway; evidence:
     * what else tells a same-size file from its object.
     */
    public SyncPlanner(String prefix, EtagSource etags, EtagSource afresh, Set<String> rehash, ContentEvidence evidence) {
        this.prefix = prefix;
        this.etags = etags;
        this.afresh = afresh;
        this.rehash = Set.copyOf(rehash);
        this.evidence = evidence;
    }

    public SyncPlanner(String prefix, EtagSource etags, EtagSource afresh, Set<String> rehash) {
        this(prefix, etags, afresh, rehash, ETAGS_ONLY);
    }

    public SyncPlanner(String prefix, EtagSource etags) {
        this(prefix, etags, etags, Set.of());
    }

    public SyncPlan plan(Collection<LocalFile> stable, Collection<LocalFile> stillChanging, Collection<RemoteObject> remote) {
        return plan(stable, stillChanging, remote, null, null);
    }

    /**
     * As plan(), telling toHash, before it hashes, about the bytes it will read (a progress line's total): each same-size
     * file that cached says the hash cache cannot answer for, and each in rehash. More when md5chksums or another part
     * size must be checked too.
     */
    public SyncPlan plan(Collection<LocalFile> stable, Collection<LocalFile> stillChanging, Collection<RemoteObject> remote,
            Predicate<LocalFile> cached, LongConsumer toHash) {
        Map<String, RemoteObject> byKey = new HashMap<>();
        long remoteBytes = 0;
        for (RemoteObject r : remote) {
            if (byKey.putIfAbsent(r.key(), r) == null) { // an object counted once: the limits divide by these bytes
                remoteBytes += r.size();
            }
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
        if (toHash != null) {
            toHash.accept(sameSize.stream().filter(f -> rehash.contains(f.relativePath()) || !cached.test(f)).mapToLong(LocalFile::size).sum());
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
        try {
            return compare(f, r, stale);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f.path() + " to hash it: " + e.getMessage(), e);
        }
    }

    private PlannedFile compare(LocalFile f, RemoteObject r, Set<String> stale) throws IOException {
        String local = null;
        String reason = "";
        if (rehash.contains(f.relativePath())) {
            String cached = etags.etag(f);
            local = afresh.etag(f);
            if (!local.equals(cached)) {
                stale.add(r.key());
                reason = " (re-hashed: the cache held " + cached + " for the same size and times)";
            }
        }
        if (reason.isEmpty() && r.etag().equals(evidence.uploadedAs(f))) {
            return new PlannedFile(SyncAction.UNCHANGED, r.key(), f.size(), "same size and the ETag it was uploaded with", f, r);
        }
        if (evidence.opaque()) { // the md5chksum first; the local ETag only for an object without one
            PlannedFile byMd5 = byStoredMd5(f, r, reason);
            return byMd5 != null ? byMd5 : byEtag(f, r, local, reason, ", and no md5chksum to compare with");
        }
        PlannedFile byEtag = byEtag(f, r, local, reason, "");
        if (byEtag.action() == SyncAction.CHANGED) { // uploaded under another part size, its ETag is of other parts, not other bytes
            String asUploaded = evidence.etagAsUploaded(f, r);
            if (asUploaded != null && asUploaded.equalsIgnoreCase(r.etag())) {
                return new PlannedFile(SyncAction.UNCHANGED, r.key(), f.size(), "same size and ETag, taken at the part size it was"
                        + " uploaded with" + reason, f, r);
            }
        }
        PlannedFile byMd5 = byEtag.action() == SyncAction.UNCHANGED ? null : byStoredMd5(f, r, reason);
        return byMd5 != null ? byMd5 : byEtag;
    }

    /** By the local ETag (given, or from etags when null); changedNote ends the reason of a change. */
    private PlannedFile byEtag(LocalFile f, RemoteObject r, String local, String reason, String changedNote) throws IOException {
        String etag = local != null ? local : etags.etag(f);
        return etag.equals(r.etag()) ? new PlannedFile(SyncAction.UNCHANGED, r.key(), f.size(), "same size and ETag" + reason, f, r)
                : new PlannedFile(SyncAction.CHANGED, r.key(), f.size(), "ETag " + r.etag() + " -> " + etag + reason + changedNote, f, r);
    }

    /** By the object's md5chksum and the file's MD5; null when the object has no md5chksum. */
    private PlannedFile byStoredMd5(LocalFile f, RemoteObject r, String reason) throws IOException {
        String stored = evidence.storedMd5(r);
        if (stored == null) {
            return null;
        }
        String md5 = evidence.md5(f);
        return md5.equalsIgnoreCase(stored) ? new PlannedFile(SyncAction.UNCHANGED, r.key(), f.size(), "same size and MD5 (its md5chksum)"
                + reason, f, r)
                : new PlannedFile(SyncAction.CHANGED, r.key(), f.size(), "md5chksum " + stored + " -> " + md5 + reason, f, r);
    }
}
