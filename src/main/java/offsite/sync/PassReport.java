package offsite.sync;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import offsite.report.ByteSize;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.report.SyncReport.Count;
import offsite.store.Fallbacks;
import offsite.store.Generations;
import offsite.store.MirrorListing;
import offsite.store.RemoteObject;
import offsite.store.UnusedListings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a mirror pass: from the pass as it ended, the report (saved under the data directory and handed
 * back to whoever asked for the pass), the generation's progress, the hash cache saved, the lock given back.
 */
public final class PassReport {

    private static final Logger LOG = LoggerFactory.getLogger(PassReport.class);
    static final String NOT_SAVED = "not saved under offsite.data.dir: ";

    private final SyncSettings settings;
    private final String bucket;
    private final HashCache hashes;
    private final BandwidthLimiter limiter;
    private final ReportStore reports;
    private final Generations generations;
    private final Fallbacks fallbacks;
    private final PassesInFlight inFlight;
    private final StoppedStore stoppedStore;
    private final Function<Instant, String> unrecorded;
    private final UnusedListings unusedListings;
    private final DamagedObjects damaged;
    private final Clock clock;

    /**
     * unrecorded: why S3 requests since the given time were not all written to the activity log, else null; unusedListings:
     * what deletes the listings no generation points to once a pass changed the record.
     */
    public PassReport(SyncSettings settings, String bucket, HashCache hashes, BandwidthLimiter limiter, ReportStore reports,
            Generations generations, Fallbacks fallbacks, PassesInFlight inFlight, StoppedStore stoppedStore,
            Function<Instant, String> unrecorded, UnusedListings unusedListings, DamagedObjects damaged, Clock clock) {
        this.settings = settings;
        this.bucket = bucket;
        this.hashes = hashes;
        this.limiter = limiter;
        this.reports = reports;
        this.generations = generations;
        this.fallbacks = fallbacks;
        this.inFlight = inFlight;
        this.stoppedStore = stoppedStore;
        this.unrecorded = unrecorded;
        this.unusedListings = unusedListings;
        this.damaged = damaged;
        this.clock = clock;
    }

    /**
     * Writes the report, saves the hash cache, ends the pass and gives its lock back; the report is the new body. Once the
     * S3 server has stopped answering, nothing more is written to the bucket (the generation's progress, the lease's
     * removal): each write would wait out all its attempts; the next pass records the one and takes the other over.
     */
    public SyncReport finish(Pass pass) {
        boolean stopped = stoppedStore.reason() != null;
        try {
            if (!pass.skipped()) {
                try {
                    hashes.save();
                } catch (IOException e) {
                    pass.notSaved("the hash cache " + hashes.file() + " (" + e.getMessage() + "): the next pass hashes files again");
                }
            }
            if (!pass.dryRun()) {
                List<String> sent = pass.outcomes().stream().filter(o -> o.status().done()).map(UploadOutcome::key).toList();
                try {
                    damaged.sent(sent);
                    if (pass.plan() != null) { // a file deleted, or a new generation: nothing left to send again
                        damaged.keepOnly(pass.plan().files().stream().filter(f -> f.local() != null).map(PlannedFile::key)
                                .collect(Collectors.toSet()));
                    }
                } catch (IOException e) {
                    pass.notSaved("the list of damaged objects (" + e.getMessage() + "): the next pass sends them again");
                }
            }
            String activity = unrecorded.apply(pass.started());
            if (activity != null) {
                pass.notSaved(activity);
            }
            SyncReport report = report(pass);
            if (!pass.skipped()) { // a pass skipped for another one leaves that one's state alone
                try {
                    String unrecorded = stopped ? null : advanceGeneration(pass, report);
                    if (unrecorded != null) {
                        LOG.warn("{}", unrecorded);
                        report = report.withWarning(unrecorded);
                    }
                } catch (RuntimeException e) {
                    String lost = "the generation's progress (complete, verified, retired) could not be saved in the bucket ("
                            + e.getMessage() + "): the next pass records it again";
                    LOG.warn("{}", lost);
                    report = report.withWarning(lost);
                }
                report = report.withGenerations(pass.generations() == null ? List.of() : pass.generations().generations());
                try {
                    reports.save(report);
                } catch (IOException e) {
                    LOG.error("cannot write the report in {}: {}", reports.dir(), e.getMessage());
                }
            }
            pass.report(report);
            pass.request().finished().complete(pass);
            return report;
        } catch (RuntimeException e) {
            pass.request().finished().completeExceptionally(e);
            throw e;
        } finally {
            inFlight.end(pass);
            if (pass.lock() != null) {
                pass.lock().release(!stopped);
            }
        }
    }

    private SyncReport report(Pass r) {
        Instant finished = clock.instant();
        Map<String, Count> actions = new LinkedHashMap<>();
        Count uploaded = Count.NONE;
        Count left = Count.NONE;
        Count deleted = Count.NONE;
        long sent = 0;
        long resumed = 0;
        List<UploadOutcome> outcomes = r.outcomes();
        if (r.plan() != null) {
            r.plan().totals().forEach((a, t) -> actions.put(a.name().toLowerCase(Locale.ROOT).replace('_', '-'), new Count(t[0], t[1])));
            for (UploadOutcome o : outcomes) {
                sent += o.sent();
                resumed += o.reused();
                if (o.status().done()) {
                    uploaded = uploaded.plus(o.size());
                } else if (o.status() != UploadOutcome.Status.FAILED && o.status() != UploadOutcome.Status.VANISHED) {
                    left = left.plus(o.size());
                }
            }
            if (!r.dryRun() && r.uploadsStarted() != null) {
                // the uploads the window filter turned away have no outcome: their files and bytes are left all the same
                Set<String> reached = new HashSet<>();
                outcomes.forEach(o -> reached.add(o.key()));
                for (PlannedFile f : r.plan().uploads()) {
                    if (!reached.contains(f.key())) {
                        left = left.plus(f.size());
                    }
                }
            }
            for (TrashMove m : r.trashed()) {
                deleted = deleted.plus(m.size());
            }
        }
        double seconds = r.uploadsStarted() == null || r.uploadsFinished() == null ? 1
                : Math.max(0.001, (r.uploadsFinished().toEpochMilli() - r.uploadsStarted().toEpochMilli()) / 1000.0);
        RunStatus status = r.status();
        String reason = r.stopReason();
        List<String> notes = new ArrayList<>(r.notes());
        String deletionRefused = null;
        if (r.deletions() != null && r.deletions().refused()) {
            deletionRefused = r.deletions().refusal();
            if (settings.deletion().enabled()) {
                status = status.worst(RunStatus.WARN);
            } else {
                notes.add(deletionRefused);
                deletionRefused = null;
            }
        }
        if (!r.kept().isEmpty()) {
            notes.add(r.kept().size() + " replaced object(s), " + ByteSize.format(r.kept().stream().mapToLong(TrashMove::size).sum())
                    + ", kept in the trash first (purged after offsite.sync.trash-days)");
        }
        fallbacks.lines().forEach(line -> notes.add(Fallbacks.NOTE + line));
        // the mirror stands; what the next pass and the page rely on is older or missing
        r.notSaved().forEach(what -> notes.add(NOT_SAVED + what));
        if (!r.notSaved().isEmpty()) {
            status = status.worst(RunStatus.WARN);
        }
        if (!r.errors().isEmpty()) {
            status = status.worst(RunStatus.FAILED);
        }
        boolean cutShort = left.files() > 0;
        boolean changedDuring = outcomes.stream().anyMatch(o -> o.status() == UploadOutcome.Status.CHANGED_DURING_UPLOAD
                || o.status() == UploadOutcome.Status.VANISHED);
        Count deferred = actions.getOrDefault("deferred", Count.NONE);
        Count held = actions.getOrDefault("held", Count.NONE);
        if (cutShort || changedDuring || deferred.files() > 0 || held.files() > 0) {
            status = status.worst(RunStatus.WARN);
        }
        if (reason == null) {
            reason = reasonFor(r, status, uploaded, left, deferred, held, deletionRefused);
        }
        long plannedBytes = r.plan() == null ? 0 : r.plan().uploadBytes();
        return new SyncReport(status, reason, r.passedOver(), r.dryRun(), r.started(), finished, String.valueOf(settings.source()),
                "s3://" + bucket + "/" + r.prefix(), actions, uploaded, sent, resumed, sent / seconds, hashes.bytesHashed() - r.hashedBefore(),
                deleted, deletionRefused, r.purged(), left, estimateSeconds(plannedBytes),
                r.plannedAt() == null ? 0 : (r.plannedAt().toEpochMilli() - r.started().toEpochMilli()) / 1000.0, mirroredBytes(r),
                List.copyOf(r.errors()), notes, List.of());
    }

    /**
     * A generation is complete after a clean pass that left nothing, verified by a later pass that found nothing to do;
     * only a pass that planned and ran to its end says so. Any pass that listed and wrote (not a dry run) records what it
     * left under the prefix (recorded()). Returns why that listing could not be stored (restore-set then compares
     * counts), or null.
     */
    private String advanceGeneration(Pass r, SyncReport report) {
        if (r.generations() == null || r.dryRun()) {
            return null;
        }
        boolean ranToEnd = r.plan() != null && r.stopReason() == null && report.status() != RunStatus.FAILED;
        // a pass that did not run to its end leaves the retirement marks it made unsaved: its moves may not all have happened
        Generations.State base = ranToEnd ? r.generations() : r.generationsAsRead();
        Generations.Generation g = base.currentGeneration();
        boolean clean = ranToEnd && report.leftForNextWindow().files() == 0
                && report.actions().getOrDefault("deferred", Count.NONE).files() == 0
                && report.actions().getOrDefault("held", Count.NONE).files() == 0;
        boolean nothingToDo = clean && report.uploaded().files() == 0 && report.actions().getOrDefault("new", Count.NONE).files() == 0
                && report.actions().getOrDefault("changed", Count.NONE).files() == 0;
        Instant now = clock.instant();
        Generations.Generation next = g;
        if (g.complete() == null && clean) {
            next = new Generations.Generation(g.number(), g.prefix(), g.started(), now, null, null, g.mirrored());
        } else if (g.complete() != null && g.verified() == null && nothingToDo) {
            next = new Generations.Generation(g.number(), g.prefix(), g.started(), g.complete(), now, null, g.mirrored());
        }
        String unrecorded = null;
        Generations.Mirrored mirrored = g.mirrored();
        MirrorListing listing = recorded(r, g, clean, ranToEnd);
        if (listing != null) {
            // the names and sizes hashed, not compressed: a pass that changed none compresses and writes nothing (a record
            // holding an older Offsite's digest of the compressed bytes gets the listing again once, under this one)
            String sha256 = listing.contentDigest();
            if (mirrored == null || !sha256.equals(mirrored.listing()) || mirrored.objects() != listing.sizes().size()
                    || mirrored.bytes() != listing.bytes()) {
                try { // first the listing, then the record that points to it: a crash between leaves the old pair whole
                    generations.saveListing(g.number(), listing);
                } catch (RuntimeException e) {
                    sha256 = null;
                    unrecorded = "the listing of the " + listing.sizes().size() + " objects under " + g.prefix() + " could not be stored"
                            + " beside " + generations.stateKey() + " (" + e.getMessage() + "): restore-set compares their counts until a"
                            + " pass stores it";
                }
                mirrored = new Generations.Mirrored(now, listing.sizes().size(), listing.bytes(), sha256);
                next = next.with(mirrored);
            }
        }
        // retirement marks stand only when the pass ran to its end, so every move succeeded
        Generations.State saved = null;
        if (next != g || ranToEnd && !r.retiring().isEmpty()) {
            saved = base.with(next);
            if (ranToEnd) {
                r.retired(saved);
            }
            generations.save(saved);
        }
        if (mirrored != g.mirrored() && g.mirrored() != null && g.mirrored().listing() != null) {
            try {
                generations.dropListing(g.number(), g.mirrored().listing()); // no record points to it now
            } catch (RuntimeException e) {
                LOG.info("the replaced listing of generation {} stays in the bucket: {}", g.number(), e.getMessage());
            }
        }
        if (saved != null) { // only a pass that changed the record: a night that changed nothing sends no LIST for this
            try {
                List<String> deleted = unusedListings.delete(saved);
                if (!deleted.isEmpty()) {
                    LOG.info("deleted {} listing(s) no generation points to, older than {} h: {}", deleted.size(),
                            UnusedListings.MARGIN.toHours(), String.join(", ", deleted));
                }
            } catch (RuntimeException e) {
                LOG.info("listings no generation points to stay in {} until a later pass: {}", generations.listingFolder(), e.getMessage());
            }
        }
        return unrecorded;
    }

    /**
     * What the pass left under g's prefix for restore-set to hold the bucket to, or null to keep g's record as it is. A
     * clean pass's own listing with what it changed is the set. A pass that ran to its end but left files for later adds
     * what the last record held, the bucket lacks and the source still has (an object lost and not sent again yet: it
     * stays expected). A pass that did not run to its end (FAILED, refused after its listing) changes the last record
     * only by what it did: its uploads at their sizes, its trash moves gone. Where the last record has no listing (an
     * older Offsite's), a pass that ran to its end records its own, as the counts were recorded before, and one that did
     * not keeps the record as it is.
     */
    private MirrorListing recorded(Pass r, Generations.Generation g, boolean clean, boolean ranToEnd) {
        List<RemoteObject> after = r.mirrorAfter();
        if (after == null) {
            return null;
        }
        MirrorListing own = MirrorListing.of(g.prefix(), after);
        if (clean) {
            return own;
        }
        Generations.RecordedListing last = generations.listing(g);
        if (last.listing() == null) {
            return ranToEnd && last.unusable() == null ? own : null;
        }
        String prefix = g.prefix();
        Map<String, Long> sizes = new TreeMap<>(ranToEnd ? own.sizes() : last.listing().sizes());
        if (ranToEnd) {
            Set<String> atSource = new HashSet<>();
            r.plan().files().stream().filter(f -> f.action() != SyncAction.REMOTE_ONLY && f.key().startsWith(prefix))
                    .forEach(f -> atSource.add(f.key().substring(prefix.length())));
            last.listing().sizes().forEach((key, size) -> {
                if (atSource.contains(key)) {
                    sizes.putIfAbsent(key, size);
                }
            });
            return new MirrorListing(prefix, new TreeMap<>(sizes));
        }
        for (UploadOutcome o : r.outcomes()) {
            if (o.status().done() && o.key().startsWith(prefix)) {
                sizes.put(o.key().substring(prefix.length()), o.size());
            }
        }
        r.trashed().stream().filter(m -> m.key().startsWith(prefix)).forEach(m -> sizes.remove(m.key().substring(prefix.length())));
        return new MirrorListing(prefix, new TreeMap<>(sizes));
    }

    /** Bytes under the prefix after the pass: the listing, plus what went up, less what it replaced or trashed. */
    static long mirroredBytes(Pass r) {
        if (r.plan() == null || r.dryRun()) {
            return r.plan() == null ? -1 : r.plan().remoteBytes();
        }
        Map<String, PlannedFile> byKey = new HashMap<>();
        r.plan().files().forEach(f -> byKey.put(f.key(), f));
        long bytes = r.plan().remoteBytes();
        for (UploadOutcome o : r.outcomes()) {
            if (o.status().done()) {
                PlannedFile f = byKey.get(o.key());
                bytes += o.size() - (f != null && f.remote() != null ? f.remote().size() : 0);
            }
        }
        for (TrashMove m : r.trashed()) {
            if (m.key().startsWith(r.prefix())) {
                bytes -= m.size();
            }
        }
        return bytes;
    }

    private String reasonFor(Pass r, RunStatus status, Count uploaded, Count left, Count deferred, Count held, String deletionRefused) {
        if (status == RunStatus.FAILED) {
            return r.errors().size() + " error(s); first: " + r.errors().get(0).subject() + ": " + r.errors().get(0).cause();
        }
        if (r.dryRun()) {
            return "dry run: " + (r.plan() == null ? 0 : r.plan().uploads().size()) + " file(s) to upload, "
                    + (r.deletions() == null ? 0 : r.deletions().deletes().size()) + " to delete; nothing written";
        }
        if (deletionRefused != null) {
            return "deletions REFUSED, nothing deleted: " + deletionRefused;
        }
        if (left.files() > 0 && r.window().closedReason() != null) {
            return left.files() + " file(s) left for the next window: " + r.window().closedReason();
        }
        if (held.files() > 0) {
            return held.files() + " file(s) held back, their stored copies kept: " + r.notes().stream().findFirst().orElse("");
        }
        if (deferred.files() > 0) {
            return deferred.files() + " file(s) still being written, left for the next run";
        }
        long vanished = r.outcomes().stream().filter(o -> o.status() == UploadOutcome.Status.VANISHED).count();
        if (vanished > 0) {
            return vanished + " file(s) vanished during the run (removed at the source); nothing of them was sent";
        }
        if (r.outcomes().stream().anyMatch(o -> o.status() == UploadOutcome.Status.CHANGED_DURING_UPLOAD)) {
            return "a file changed while it was uploaded; it goes again next run";
        }
        String done = uploaded.files() == 0 && r.trashed().isEmpty() ? "mirror up to date, nothing to send"
                : "mirror up to date: " + uploaded.files() + " file(s) uploaded, " + r.trashed().size() + " moved to trash";
        List<String> notSaved = r.notSaved();
        String warning = notSaved.isEmpty() ? r.warning() : (r.warning() == null ? "" : r.warning() + "; ") + NOT_SAVED + notSaved.get(0)
                + (notSaved.size() > 1 ? " (and " + (notSaved.size() - 1) + " more, in the notes)" : "");
        return warning == null ? done : warning + "; " + done;
    }

    private long estimateSeconds(long bytes) {
        long rate = limiter.currentRate();
        if (rate > 0) {
            return bytes / rate;
        }
        try {
            SyncReport last = reports.latestSync();
            if (last != null && last.bytesPerSecond() > 0) {
                return (long) (bytes / last.bytesPerSecond());
            }
        } catch (IOException e) {
            LOG.debug("no earlier report to estimate from: {}", e.getMessage());
        }
        return -1;
    }
}
