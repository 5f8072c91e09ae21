package offsite.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import offsite.report.ByteSize;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.Generations;
import offsite.store.RemoteObject;
import offsite.store.ServiceClock;
import offsite.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletions never destroy: an object leaves the mirror by moving to the trash prefix (a server-side copy, then the
 * delete), and the trash is purged after offsite.sync.trash-days. Where the service cannot copy, the object is
 * downloaded and uploaded to the trash instead (said once in a WARN); if that fails too, it is not deleted.
 */
public final class TrashMoves {

    private static final Logger LOG = LoggerFactory.getLogger(TrashMoves.class);

    /** The shrunken objects a held retirement names; the count says how many more. */
    static final int NAMED = 5;

    private final SyncSettings settings;
    private final Bucket bucket;
    private final Generations generations;
    private final EtagForm etags;
    private final ServiceClock clock;
    private final TrashKeys trashKeys;
    private final StoppedStore stoppedStore;

    public TrashMoves(SyncSettings settings, Bucket bucket, Generations generations, EtagForm etags, StoppedStore stoppedStore,
            ServiceClock clock) {
        this.settings = settings;
        this.stoppedStore = stoppedStore;
        this.bucket = bucket;
        this.generations = generations;
        this.etags = etags;
        this.clock = clock;
        this.trashKeys = new TrashKeys(bucket, settings.trashPrefix(), clock);
    }

    /**
     * The objects to move to the trash, each with its pass: none unless every upload of the pass succeeded and the
     * deletion limits allow; plus older generations due to retire. Read one by one: once the S3 server has stopped
     * answering, no further move is handed out.
     */
    public Iterator<Pass.TrashTask> moves(Pass pass) {
        if (skipped(pass)) {
            return List.<Pass.TrashTask>of().iterator();
        }
        Iterator<Pass.TrashTask> all = planned(pass).iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return all.hasNext() && !skipped(pass);
            }

            @Override
            public Pass.TrashTask next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return all.next();
            }
        };
    }

    /**
     * Whether the S3 server has stopped answering: the moves and the purge are then skipped, said once in a note, and
     * the bucket is left as it is for the next pass; each request would wait out all its attempts and fail the same way.
     */
    private boolean skipped(Pass pass) {
        String stopped = stoppedStore.reason();
        if (stopped == null) {
            return false;
        }
        if (pass.skipTrash()) {
            String skipped = "the trash moves and the purge were skipped from then on, nothing more was moved or deleted: the next"
                    + " pass does them";
            LOG.warn("{}; {}", stopped, skipped);
            pass.storeStopped(stopped, skipped);
        }
        return true;
    }

    private List<Pass.TrashTask> planned(Pass pass) {
        List<TrashMove> moves = new ArrayList<>();
        if (!pass.deletions().deletes().isEmpty()) {
            if (!pass.allUploaded()) {
                pass.note("deletions postponed: they run only after every upload of the pass succeeded");
            } else {
                pass.deletions().deletes().forEach(f -> moves.add(new TrashMove(f.key(), trashKeys.firstOfDay(f.key()), f.size())));
            }
        }
        moves.addAll(retirements(pass));
        return moves.stream().map(m -> new Pass.TrashTask(m, pass)).toList();
    }

    /**
     * Older generations due to go: only once the current one is verified and offsite.sync.retire-after-days have
     * passed since, and only after every upload of this pass succeeded. Their objects move to the trash, unless the
     * current generation lacks more of them than the deletion limits allow: that generation is then held (WARN).
     */
    private List<TrashMove> retirements(Pass pass) {
        Generations.State state = pass.generations();
        if (state == null || state.generations().size() < 2) {
            return List.of();
        }
        Generations.Generation current = state.currentGeneration();
        if (current.verified() == null || !pass.allUploaded()
                || clock.earlier().isBefore(current.verified().plus(Duration.ofDays(settings.retireAfterDays())))) {
            return List.of();
        }
        Map<String, Long> stays = staying(pass);
        for (Generations.Generation g : state.generations()) {
            if (g.number() != current.number() && g.retired() == null) {
                List<RemoteObject> objects = bucket.list(g.prefix());
                String held = heldBack(g, current, objects, stays);
                if (held != null) {
                    LOG.warn("{}", held);
                    pass.warn(held);
                    pass.note(held);
                    continue;
                }
                for (RemoteObject o : objects) {
                    pass.retire(new TrashMove(o.key(), trashKeys.firstOfDay(o.key()), o.size()));
                }
                state = state.with(new Generations.Generation(g.number(), g.prefix(), g.started(), g.complete(), g.verified(),
                        clock.instant(), g.mirrored()));
                pass.note("retired generation " + g.number() + " (" + g.prefix() + "): its objects moved to the trash");
            }
        }
        pass.retired(state);
        return pass.retiring();
    }

    /**
     * The current generation's objects after this pass, by key less its prefix, with their sizes: what it holds, less
     * what this pass deletes.
     */
    private static Map<String, Long> staying(Pass pass) {
        Map<String, Long> keys = new HashMap<>();
        List<RemoteObject> after = pass.mirrorAfter();
        if (after != null) {
            after.forEach(o -> keys.put(o.key().substring(pass.prefix().length()), o.size()));
        }
        pass.deletions().deletes().forEach(f -> keys.remove(f.key().substring(pass.prefix().length())));
        return keys;
    }

    /**
     * Why generation g must not be retired yet, or null. Its objects whose copy in the current generation shrank as the
     * change guard holds a file back (a generation made from a truncated source) hold it whatever the limits; its
     * objects the current generation lacks (a source half there when the new generation was made) hold it when they are
     * more than the deletion limits allow, as deletions would be.
     */
    private String heldBack(Generations.Generation g, Generations.Generation current, List<RemoteObject> objects, Map<String, Long> stays) {
        List<RemoteObject> shrunk = objects.stream().filter(o -> {
            Long now = stays.get(o.key().substring(g.prefix().length()));
            return now != null && ChangeGuard.shrankAway(o.size(), now);
        }).toList();
        if (!shrunk.isEmpty()) {
            String named = shrunk.stream().limit(NAMED).map(o -> {
                String key = o.key().substring(g.prefix().length());
                return PrintableName.of(key) + " " + ByteSize.format(o.size()) + " -> " + ByteSize.format(stays.get(key));
            }).collect(Collectors.joining(", ")) + (shrunk.size() > NAMED ? ", ..." : "");
            return String.format(Locale.ROOT, "retirement of generation %d (%s) HELD: %d of its object(s), %s, shrank in generation %d (%s) to"
                    + " 0 bytes or under 1%% of their size (%s): a broken disk or a truncating program looks like this; nothing of it"
                    + " moved to the trash. Check the source: once the files are whole again, the next pass sends them and the old"
                    + " generation is retired", g.number(), g.prefix(), shrunk.size(), ByteSize.format(shrunk.stream().mapToLong(RemoteObject::size)
                    .sum()), current.number(), current.prefix(), named);
        }
        List<RemoteObject> lacking = objects.stream().filter(o -> !stays.containsKey(o.key().substring(g.prefix().length()))).toList();
        long lackingBytes = lacking.stream().mapToLong(RemoteObject::size).sum();
        long allBytes = objects.stream().mapToLong(RemoteObject::size).sum();
        DeletionPolicy limits = settings.deletion();
        String over = limits.overLimits(lacking.size(), lackingBytes, allBytes, "its bytes");
        if (over == null) {
            return null;
        }
        List<String> allow = new ArrayList<>();
        if (lacking.size() > limits.maxCount()) {
            allow.add("-Doffsite.sync.max-delete-count=" + lacking.size());
        }
        if (limits.overLimits(0, lackingBytes, allBytes, "its bytes") != null) {
            allow.add("-Doffsite.sync.max-delete-percent=" + (int) Math.min(100, Math.ceil(100.0 * lackingBytes / allBytes)));
        }
        return String.format(Locale.ROOT, "retirement of generation %d (%s) HELD: %d of its %d object(s), %s, are not in generation %d (%s):"
                + " %s; nothing of it moved to the trash. Check the source, then raise the limits for one run (%s) if they are meant",
                g.number(), g.prefix(), lacking.size(), objects.size(), ByteSize.format(lackingBytes), current.number(), current.prefix(),
                over, String.join(" ", allow));
    }

    /**
     * Moves one object: copied to its trash key (beside a copy of the same key kept there earlier today, never over it),
     * then deleted; returns the move as made.
     */
    public TrashMove move(Pass.TrashTask task) {
        TrashMove m = new TrashMove(task.move().key(), trashKeys.unused(task.move().key()), task.move().size());
        try {
            bucket.copy(m.key(), m.trashKey(), m.size());
        } catch (StoreException e) {
            if (!e.unsupported()) {
                throw e;
            }
            try {
                transfer(m);
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            }
        }
        bucket.delete(m.key());
        task.pass().stepped();
        LOG.info("moved {} to {}", m.key(), m.trashKey());
        return m;
    }

    /**
     * The copy's fallback: the object's bytes downloaded and uploaded under the trash key with its user metadata (its
     * mtime, as a server-side copy keeps it), streamed, and checked against the MD5 of the bytes read (the object's own
     * ETag is no MD5 when it was uploaded in parts).
     */
    private void transfer(TrashMove m) throws IOException {
        Map<String, String> metadata = bucket.head(m.key()).map(Bucket.StoredObject::metadata).orElse(Map.of());
        if (etags.opaque()) {
            transferByMd5chksum(m, metadata);
            return;
        }
        MessageDigest md5 = LocalEtag.md5();
        String etag = bucket.put(m.trashKey(), new Bucket.Body(m.size(), () -> {
            md5.reset();
            return new DigestInputStream(bucket.get(m.key(), 0), md5);
        }), null, metadata);
        String read = HexFormat.of().formatHex(md5.digest());
        if (!etag.equalsIgnoreCase(read)) {
            if (!etags.readsMd5chksum()) {
                throw new UncheckedIOException(new IOException("the trash copy of " + m.key() + " has ETag " + etag + ", the bytes read"
                        + " have MD5 " + read + ": not deleted"));
            }
            transferByMd5chksum(m, metadata); // an ETag that is not the MD5 of the bytes tells nothing: checked another way
        }
    }

    /**
     * Where ETags are not MD5s: the object read once for its MD5, then sent under the trash key with it as Content-MD5 (the
     * server refuses other bytes) and md5chksum, and confirmed by a HEAD finding that size and md5chksum.
     */
    private void transferByMd5chksum(TrashMove m, Map<String, String> metadata) throws IOException {
        MessageDigest md5 = LocalEtag.md5();
        try (InputStream in = new DigestInputStream(bucket.get(m.key(), 0), md5)) {
            if (in.transferTo(OutputStream.nullOutputStream()) != m.size()) {
                throw new IOException(m.key() + " did not read as the " + m.size() + " bytes listed: not deleted");
            }
        }
        String md5Hex = HexFormat.of().formatHex(md5.digest());
        Map<String, String> withMd5 = new HashMap<>(metadata);
        withMd5.putAll(EtagForm.metadata(md5Hex));
        bucket.put(m.trashKey(), new Bucket.Body(m.size(), () -> bucket.get(m.key(), 0)), EtagForm.base64(md5Hex), withMd5);
        String problem = EtagForm.problem(bucket.head(m.trashKey()), m.size(), md5Hex);
        if (problem != null) {
            throw new IOException("the trash copy of " + m.key() + ": " + problem + ": not deleted");
        }
    }

    /**
     * Whether a key kept in a day folder was this mirror's: under its prefix or a later generation's. Hosts that share
     * the trash purge only their own copies, each by its own offsite.sync.trash-days.
     */
    private boolean ours(String key) {
        String stem = generations.laterStem();
        return key.startsWith(settings.prefix()) || key.startsWith(stem) && key.substring(stem.length()).matches("\\d+/.*");
    }

    /**
     * Deletes trash objects older than offsite.sync.trash-days, by the day folder they were moved into, counted from the
     * earlier of the host's and the service's clocks: a host clock that is days fast purges nothing early. Only
     * this mirror's own copies are purged.
     */
    public Pass purge(Pass pass) {
        if (skipped(pass)) {
            return pass;
        }
        List<RemoteObject> trash = bucket.list(settings.trashPrefix());
        // after the listing: the clock has the service's answer to go by
        LocalDate oldestKept = LocalDate.ofInstant(clock.earlier(), ZoneOffset.UTC).minusDays(settings.deletion().trashDays());
        List<RemoteObject> left = new ArrayList<>();
        for (RemoteObject o : trash) {
            String rest = o.key().substring(settings.trashPrefix().length());
            int slash = rest.indexOf('/');
            boolean expired;
            try {
                expired = slash > 0 && LocalDate.parse(rest.substring(0, slash)).isBefore(oldestKept) && ours(rest.substring(slash + 1));
            } catch (DateTimeParseException notOurs) {
                expired = false; // the trash prefix holds only day folders we wrote, anything else is left alone
            }
            if (expired) {
                bucket.delete(o.key());
                pass.purgedOne();
                LOG.info("purged {} from the trash", o.key());
            } else {
                left.add(o);
            }
        }
        pass.trash(settings.trashPrefix(), left);
        return pass;
    }
}
