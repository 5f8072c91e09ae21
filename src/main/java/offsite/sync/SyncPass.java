package offsite.sync;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import offsite.report.RunStatus;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.Generations;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a mirror pass before the uploads, as routes/sync.yaml calls them: begin (the lock, the window, the
 * bucket and the generation), scan (the source as it is now, and the guards), list, plan. Each takes the pass and
 * returns it; a step that must stop the pass says why in it, and the route skips what follows. Holds nothing of a
 * pass: only its collaborators.
 */
public final class SyncPass {

    private static final Logger LOG = LoggerFactory.getLogger(SyncPass.class);
    /** S3's longest key, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    /**
     * What a key grows by in the trash besides the trash prefix: the day folder ("2026-12-02/"), a later copy's time
     * (".~HHMMSS-NN~") and a later generation's longer prefix (sets.g12/ for sets/).
     */
    static final int TRASH_KEY_GROWTH = 11 + 13 + 4;

    private final SyncSettings settings;
    private final StoppedStore stoppedStore;
    private final S3Settings s3Settings;
    private final SourceScan scan;
    private final MaintenanceGuard guard;
    private final Bucket bucket;
    private final HashCache hashes;
    private final Generations generations;
    private final SyncLock lock;
    private final PassesInFlight inFlight;
    private final EtagForm etags;
    private final DamagedObjects damaged;
    private final Clock clock;

    public SyncPass(SyncSettings settings, S3Settings s3Settings, SourceScan scan, MaintenanceGuard guard, Bucket bucket, HashCache hashes,
            Generations generations, SyncLock lock, PassesInFlight inFlight, EtagForm etags, DamagedObjects damaged, StoppedStore stoppedStore,
            Clock clock) {
        this.settings = settings;
        this.stoppedStore = stoppedStore;
        this.s3Settings = s3Settings;
        this.scan = scan;
        this.guard = guard;
        this.bucket = bucket;
        this.hashes = hashes;
        this.generations = generations;
        this.lock = lock;
        this.inFlight = inFlight;
        this.etags = etags;
        this.damaged = damaged;
        this.clock = clock;
    }

    /** A random pause before a scheduled pass, so that runs do not start at the same moment every night. */
    public long startDelayMillis() {
        long max = settings.startDelayMax().toMillis();
        return max <= 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
    }

    /**
     * The request of the nightly window's pass, bound to the window of the latest cron time (in the zone Quartz reads
     * the cron in, the JVM's): a firing Quartz held back while the process could not run gets what is left of it.
     */
    public SyncRequest scheduled() {
        return SyncRequest.scheduled(settings.cron() == null || settings.cron().isBlank() ? null
                : ScheduledWindow.at(settings.cron(), ZoneId.systemDefault(), clock.instant(), settings.startDelayMax(), settings.maxDuration()));
    }

    /** The request of the pass run once right after start-up (offsite.sync.run-on-start): its window opens as it starts. */
    public SyncRequest atStart() {
        return SyncRequest.atStart();
    }

    /**
     * Opens the pass: its lock (none for a dry run, which writes nothing), its window, the bucket (created when
     * allowed, never by a dry run) and the current generation. Never throws: what stops the pass is in it.
     */
    public Pass begin(SyncRequest asked) {
        SyncRequest request = asked == null ? SyncRequest.scheduled(null) : asked; // a bare trigger (a timer, a user's route)
        Instant now = clock.instant();
        ScheduledWindow window = request.window();
        Duration maxDuration = window == null ? settings.maxDuration() : window.left(now, settings.maxDuration());
        Pass pass = new Pass(request, now, new TransferWindow(clock, maxDuration, settings.grace()), settings.prefix(), hashes.bytesHashed());
        inFlight.begin(pass); // from its first look at the source, which a share that hung holds for good: the stall watch sees it
        try {
            if (window != null && maxDuration.isZero()) {
                pass.passOver("skipped: " + window.passed(now));
                return pass;
            }
            if (window != null && window.late(now, settings.startDelayMax())) {
                pass.note(window.startedLate(now, settings.startDelayMax()));
            }
            if (settings.source() == null) {
                pass.stop(RunStatus.FAILED, "refused: offsite.sync.source is empty: the backup-set mirror is off");
                return pass;
            }
            Optional<String> missing = SourceCheck.refusal(settings.source(), false);
            if (missing.isPresent()) {
                pass.stop(RunStatus.FAILED, "refused: " + missing.get());
                return pass;
            }
            if (request.dryRun()) {
                if (!bucket.exists()) {
                    pass.note("bucket '" + bucket.name() + "' does not exist yet: planned against an empty bucket; a real pass"
                            + (s3Settings.createBucket() ? " creates it" : " needs it created (or offsite.s3.create-bucket=true)"));
                    pass.generations(new Generations.State(1, List.of(new Generations.Generation(1, settings.prefix(), null, null, null, null))));
                    pass.remote(List.of());
                    return pass;
                }
            } else {
                String problem = bucket.problem();
                if (problem != null) {
                    pass.fail("s3", problem);
                    return pass;
                }
                SyncLock.Attempt attempt = lock.take(leaseKey(), settings.maxDuration().plus(settings.grace()));
                if (attempt.refusal() != null) {
                    LOG.warn("sync pass skipped: {}", attempt.refusal());
                    pass.skip(attempt.refusal());
                    return pass;
                }
                pass.locked(attempt.held());
            }
            Generations.Loaded loaded = generations.read();
            Generations.State state = loaded.state();
            if (loaded.repaired() != null) { // lost or unreadable, rebuilt from the prefixes in the bucket: said, and kept
                LOG.warn("{}", loaded.repaired());
                pass.warn(loaded.repaired());
                if (!request.dryRun()) {
                    generations.save(state);
                }
            }
            if (request.newGeneration()) {
                List<Generations.Generation> existing = state.generations();
                Optional<String> empty = SourceCheck.refusal(settings.source(), () -> holdsObjects(existing, null));
                if (empty.isPresent()) { // a fresh copy of nothing would, once verified, retire the copy there is
                    pass.generations(state);
                    pass.stop(RunStatus.FAILED, "refused: " + empty.get() + "; no new generation started");
                    return pass;
                }
                state = generations.start(state, pass.started());
                if (request.dryRun()) { // planned against the new generation's empty prefix, as the real pass would be; nothing saved
                    pass.note("dry run of --new-generation: generation " + state.current() + " would start under "
                            + state.currentGeneration().prefix() + ", and every file go up again; nothing was started");
                } else {
                    generations.save(state);
                    pass.note("started generation " + state.current() + " under " + state.currentGeneration().prefix()
                            + "; the previous one stays untouched until this one is complete and verified");
                }
            }
            pass.generations(state);
            LOG.info("sync {}: {} -> s3://{}/{} (generation {})", request.dryRun() ? "dry run" : "pass", settings.source(), bucket.name(),
                    pass.prefix(), state.current());
        } catch (RuntimeException e) {
            fail(e, pass);
        }
        return pass;
    }

    /** The lease object beside the prefix, as the generations file is (sets/ has sets.lease.json). */
    private String leaseKey() {
        String prefix = settings.prefix();
        return (prefix.isEmpty() ? "offsite" : prefix.substring(0, prefix.length() - 1)) + ".lease.json";
    }

    /** Walks the source as it is now, read-only, then applies the maintenance guards to what it saw. */
    public Pass scan(Pass pass) {
        SourceScan.Snapshot snapshot = scan.scan();
        pass.source(snapshot);
        if (snapshot.leftOut().note() != null) {
            pass.note(snapshot.leftOut().note());
        }
        if (snapshot.problem() != null) { // a part of the set unseen would look deleted: plan nothing from it
            pass.stop(RunStatus.FAILED, "refused: " + snapshot.problem());
            return pass;
        }
        guard.busy(clock.instant(), snapshot.files())
                .ifPresent(reason -> pass.passOver("skipped, the backup application looks busy: " + reason));
        return pass;
    }

    /** Every object under the generation's prefix, the listing followed to its end. */
    public Pass list(Pass pass) {
        if (pass.remote() == null) {
            try {
                pass.remote(bucket.list(pass.prefix()));
            } catch (RuntimeException e) { // beside the scan: said here, as the route's catch would say it
                fail(e, pass);
            }
        }
        return pass;
    }

    /** Decides every file's action, holds back what the change guard refuses, and on a dry run renders the plan. */
    public Pass plan(Pass pass) {
        Optional<String> refusal = SourceCheck.refusal(settings.source(),
                () -> !pass.remote().isEmpty() || holdsObjects(pass.generations().generations(), pass.prefix()));
        if (refusal.isPresent()) {
            pass.stop(RunStatus.FAILED, "refused: " + refusal.get());
            return pass;
        }
        hashes.keepOnly(pass.source().files()); // the walk was whole (scan refuses a partial one): what it missed is gone
        Instant stableBefore = clock.instant().minus(settings.stableFor());
        List<LocalFile> stable = new ArrayList<>();
        List<LocalFile> changing = new ArrayList<>();
        Map<LocalFile, String> unnamable = new LinkedHashMap<>();
        List<LocalFile> tight = new ArrayList<>(); // keys S3 takes, but not their copy in the trash
        int trashRoom = settings.trashPrefix().getBytes(StandardCharsets.UTF_8).length + TRASH_KEY_GROWTH;
        for (LocalFile f : pass.source().files()) {
            int bytes = (pass.prefix() + f.relativePath()).getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_KEY_BYTES) {
                unnamable.put(f, "its key would be longer than S3's " + MAX_KEY_BYTES + " bytes: not sent (shorten the path)");
            } else if (bytes + trashRoom > MAX_KEY_BYTES) {
                tight.add(f);
            } else {
                (f.modified().isAfter(stableBefore) ? changing : stable).add(f);
            }
        }
        if (!tight.isEmpty()) {
            // once stored, replacing or deleting such a file copies it to the trash first, under a key S3 would refuse: it
            // could never change again. A new one is held; an object stored before this rule stays as it is.
            Set<String> stored = new HashSet<>();
            pass.remote().forEach(o -> stored.add(o.key()));
            for (LocalFile f : tight) {
                if (stored.contains(pass.prefix() + f.relativePath())) {
                    (f.modified().isAfter(stableBefore) ? changing : stable).add(f);
                } else {
                    unnamable.put(f, "its key leaves no room for its copy in the trash (" + settings.trashPrefix() + "DAY/KEY.~HHMMSS~"
                            + " would pass S3's " + MAX_KEY_BYTES + " bytes): not sent (shorten the path)");
                }
            }
        }
        SyncPlanner planner = new SyncPlanner(pass.prefix(), f -> hashes.etag(f, settings.shape()), f -> hashes.rehash(f, settings.shape()),
                hashes.dueForRehash(stable, settings.shape()), new RecordedContent(hashes, settings.shape(), bucket, etags));
        long hashedBefore = hashes.bytesHashed(); // the cache counts for the process: this plan's share is what it reads from now
        SyncPlan plan = planner.plan(stable, changing, pass.remote(), f -> hashes.known(f, settings.shape()) != null,
                toHash -> pass.hashing(new RunProgress("hashing", toHash, () -> hashes.bytesHashed() - hashedBefore)));
        // each unchanged object holds its file's content under the ETag listed: the next plan compares by it, asking nothing
        plan.with(SyncAction.UNCHANGED).forEach(f -> hashes.uploadedAs(f.local(), settings.shape(), f.remote().etag()));
        warnOfStaleCache(plan, pass);
        plan = withUnnamable(plan, unnamable, pass);
        ChangeGuard.Review review = settings.changes().review(plan, pass.request().acceptChanges());
        for (PlannedFile held : review.held()) {
            LOG.warn("{}: {}", PrintableName.of(held.key()), held.reason());
            pass.note(PrintableName.of(held.key()) + ": " + held.reason());
        }
        // objects a deep check found damaged: their ETag still matches, so only this sends their files again; the files are
        // as their ETags say, no change of the set, so not the change guard's to weigh
        SyncPlan planned = damaged.resend(review.plan());
        planned.with(SyncAction.CHANGED).stream().filter(f -> f.reason().startsWith(DamagedObjects.RESENT))
                .forEach(f -> pass.note(PrintableName.of(f.key()) + ": " + f.reason()));
        pass.planned(planned, settings.deletion().decide(planned), clock.instant());
        if (pass.applying() && !planned.with(SyncAction.CHANGED).isEmpty()) {
            pass.keepReplaced(!versioned());
        }
        if (pass.dryRun()) {
            pass.planText(PlanText.render(planned, pass.deletions()));
        }
        if (review.refusal() != null) {
            LOG.error("sync pass {}", review.refusal());
            pass.stop(RunStatus.FAILED, review.refusal());
        }
        return pass;
    }

    /** Whether any of these generations but the one at except (listed already) holds an object. */
    private boolean holdsObjects(List<Generations.Generation> all, String except) {
        return all.stream().filter(g -> !g.prefix().equals(except)).anyMatch(g -> !bucket.list(g.prefix()).isEmpty());
    }

    /** Files re-hashed (offsite.sync.rehash-percent) whose bytes no longer give their cached ETag: each named, the pass WARNs. */
    private static void warnOfStaleCache(SyncPlan plan, Pass pass) {
        Set<String> stale = new TreeSet<>(plan.staleCache());
        for (String key : stale) {
            String found = PrintableName.of(key) + ": re-hashed (offsite.sync.rehash-percent), its bytes no longer give the ETag cached for its size and"
                    + " times: an edit that kept them; planned by its bytes";
            LOG.warn("{}", found);
            pass.note(found);
        }
        if (!stale.isEmpty()) {
            pass.warn(stale.size() + " file(s) re-hashed found changed although size and times were not (first: "
                    + PrintableName.of(stale.iterator().next()) + "): an edit the hash cache could not see");
        }
    }

    /** Whether the bucket keeps replaced objects itself; when that cannot be told, Offsite keeps them. */
    private boolean versioned() {
        try {
            return bucket.versioned();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Files whose key (or its trash copy's) would be longer than S3 allows are held back, named, never sent. */
    private static SyncPlan withUnnamable(SyncPlan plan, Map<LocalFile, String> unnamable, Pass pass) {
        if (unnamable.isEmpty()) {
            return plan;
        }
        List<PlannedFile> files = new ArrayList<>(plan.files());
        for (Map.Entry<LocalFile, String> held : unnamable.entrySet()) {
            LocalFile f = held.getKey();
            String reason = held.getValue();
            files.add(new PlannedFile(SyncAction.HELD, pass.prefix() + f.relativePath(), f.size(), reason, f, null));
            LOG.warn("{}: {}", PrintableName.of(f.relativePath()), reason);
            pass.note(PrintableName.of(f.relativePath()) + ": " + reason);
        }
        return new SyncPlan(files, plan.remoteBytes(), plan.remoteObjects(), plan.staleCache());
    }

    /** Aborts pending multipart uploads this plan will not resume: their file is gone or already up to date. */
    public Pass abortStaleUploads(Pass pass) {
        Set<String> uploading = new HashSet<>();
        pass.plan().uploads().forEach(f -> uploading.add(f.key()));
        for (Bucket.PendingUpload p : bucket.pendingUploads(pass.prefix())) {
            if (!uploading.contains(p.key())) {
                LOG.info("aborting stale pending upload of {}", p.key());
                bucket.abortUpload(p.key(), p.uploadId());
            }
        }
        // a pass uploads only to the current generation: one cut under an older one never resumes, and its parts,
        // in no listing, would be paid for until aborted (a retired one was, by the passes before its retirement)
        if (pass.generations() != null) {
            for (Generations.Generation g : pass.generations().generations()) {
                if (!g.prefix().equals(pass.prefix()) && g.retired() == null) {
                    for (Bucket.PendingUpload p : bucket.pendingUploads(g.prefix())) {
                        LOG.info("aborting pending upload of {} under generation {}, which no pass resumes", p.key(), g.number());
                        bucket.abortUpload(p.key(), p.uploadId());
                    }
                }
            }
        }
        return pass;
    }

    /**
     * The window filter before each upload: a maintenance marker that appeared (looked for at most once a second)
     * closes the window (uploads in flight keep their grace); after max-duration no new upload starts.
     */
    public boolean admits(Pass.UploadTask task) {
        TransferWindow window = task.pass().window();
        guard.markerPresentLately(clock.instant()).ifPresent(reason -> window.close(reason, settings.grace()));
        // a store that stopped answering: each upload after would wait out all its attempts and fail the same way
        String stopped = stoppedStore.reason();
        if (stopped != null) {
            if (window.close(stopped, Duration.ZERO)) {
                LOG.warn("{}: no new upload is started", stopped);
                task.pass().storeStopped(stopped, "no new upload was started");
            }
        }
        return window.acceptsNewUploads();
    }

    /** Records what stopped the pass (the route's catch); the report says it. */
    public void fail(Exception e, Pass pass) {
        String cause = S3Errors.explain(e, s3Settings);
        LOG.error("sync pass failed: {}", cause);
        pass.fail("pass", cause);
    }
}
