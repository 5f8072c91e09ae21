package offsite.sync;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.report.SyncReport.Count;
import offsite.report.SyncReport.Problem;
import offsite.store.Listing;
import offsite.store.RemoteObject;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.Bucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mirror pass, step by step as routes/sync.yaml calls it: begin (window, fresh scan, guards), plan,
 * uploads, deletions, finish (the report). One pass at a time; every step records into the pass, so that
 * whatever fails, finish() still writes a report that says what happened.
 */
public final class SyncPass {

    private static final Logger LOG = LoggerFactory.getLogger(SyncPass.class);

    private final SyncSettings settings;
    private final S3Settings s3Settings;
    private final String bucket;
    private final SourceScan scan;
    private final MaintenanceGuard guard;
    private final ChunkUpload chunks;
    private final Bucket s3;
    private final HashCache hashes;
    private final BandwidthLimiter limiter;
    private final ReportStore reports;
    private final offsite.store.Generations generations;
    private final java.util.function.Function<String, List<RemoteObject>> lister;
    private final Clock clock;
    /** Set while a pass runs; a pass's steps may run on different threads, so this is not a thread-owned lock. */
    private final java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();

    private volatile Run run;

    /** The state of the pass in progress. */
    private static final class Run {
        final Instant started;
        final boolean dryRun;
        final TransferWindow window;
        final List<Problem> errors = Collections.synchronizedList(new ArrayList<>());
        final List<String> notes = Collections.synchronizedList(new ArrayList<>());
        final List<UploadOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        final List<TrashMove> trashed = Collections.synchronizedList(new ArrayList<>());
        int purged;
        RunStatus status = RunStatus.OK;
        String stopReason;
        SourceScan.Snapshot snapshot;
        SyncPlan plan;
        DeletionPolicy.Decision deletions;
        RunProgress progress;
        String planText = "";
        volatile Instant planned;
        volatile Instant uploadsStarted;
        volatile Instant uploadsFinished;

        final String token = java.util.UUID.randomUUID().toString();
        String prefix;
        offsite.store.Generations.State gens;
        final List<TrashMove> retiring = new ArrayList<>();

        Run(Instant started, boolean dryRun, TransferWindow window) {
            this.started = started;
            this.dryRun = dryRun;
            this.window = window;
        }

        synchronized void stop(RunStatus status, String reason) {
            this.status = this.status.worst(status);
            if (stopReason == null) {
                stopReason = reason;
            }
        }
    }

    public SyncPass(SyncSettings settings, S3Settings s3Settings, SourceScan scan, MaintenanceGuard guard, ChunkUpload chunks, Bucket s3,
            HashCache hashes, BandwidthLimiter limiter, ReportStore reports, offsite.store.Generations generations,
            java.util.function.Function<String, List<RemoteObject>> lister, Clock clock) {
        this.generations = generations;
        this.lister = lister;
        this.settings = settings;
        this.s3Settings = s3Settings;
        this.bucket = s3Settings.bucket();
        this.scan = scan;
        this.guard = guard;
        this.chunks = chunks;
        this.s3 = s3;
        this.hashes = hashes;
        this.limiter = limiter;
        this.reports = reports;
        this.clock = clock;
    }

    /** A random pause before a scheduled pass, so that runs do not start at the same moment every night. */
    public long startDelayMillis() {
        long max = settings.startDelayMax().toMillis();
        return max <= 0 ? 0 : ThreadLocalRandom.current().nextLong(max + 1);
    }

    /**
     * Opens the window, waits for a scan that started after now, and checks the source and the guards. Returns
     * the pass's token, which the route hands to the later steps; an empty token when another pass is running.
     */
    public String begin(Boolean dryRun, Boolean newGeneration) throws InterruptedException {
        if (!busy.compareAndSet(false, true)) {
            LOG.warn("a sync pass is already running since {}: this one is skipped", run.started);
            return "";
        }
        Run r = new Run(clock.instant(), Boolean.TRUE.equals(dryRun), new TransferWindow(clock, settings.maxDuration(), settings.grace()));
        r.prefix = settings.prefix();
        run = r;
        Optional<String> missing = SourceCheck.refusal(settings.source(), false);
        if (missing.isPresent()) {
            r.stop(RunStatus.FAILED, "refused: " + missing.get());
            return r.token;
        }
        String bucketProblem = s3.problem();
        if (bucketProblem != null) {
            r.errors.add(new Problem("s3", bucketProblem));
            r.stop(RunStatus.FAILED, bucketProblem);
            return r.token;
        }
        r.gens = generations.load();
        if (Boolean.TRUE.equals(newGeneration) && !r.dryRun) {
            r.gens = generations.start(r.gens, r.started);
            generations.save(r.gens);
            r.notes.add("started generation " + r.gens.current() + " under " + r.gens.currentGeneration().prefix()
                    + "; the previous one stays untouched until this one is complete and verified");
        }
        r.prefix = r.gens.currentGeneration().prefix();
        LOG.info("sync {}: {} -> s3://{}/{} (generation {})", r.dryRun ? "dry run" : "pass", settings.source(), bucket, r.prefix,
                r.gens.current());
        // a scan begun within the last interval is as fresh as the next one would be
        r.snapshot = scan.awaitScanSince(r.started.minus(settings.scanInterval()), settings.scanInterval().plus(Duration.ofMinutes(1)));
        if (r.snapshot == null) {
            r.stop(RunStatus.FAILED, "no scan of " + settings.source() + " completed within offsite.sync.scan-interval + 1 minute");
            return r.token;
        }
        if (r.snapshot.problem() != null) { // a part of the set unseen would look deleted: plan nothing from it
            r.stop(RunStatus.FAILED, "refused: " + r.snapshot.problem());
            return r.token;
        }
        Optional<String> maintenance = guard.busy(clock.instant(), r.snapshot.files());
        maintenance.ifPresent(reason -> r.stop(RunStatus.WARN, "skipped, the backup application looks busy: " + reason));
        return r.token;
    }

    /** Whether the pass with this token may go on. */
    public boolean proceeding(String token) {
        Run r = run;
        return owns(token) && r.stopReason == null;
    }

    private boolean owns(String token) {
        Run r = run;
        return token != null && !token.isEmpty() && r != null && token.equals(r.token);
    }

    /** The listing of this pass's generation, or of the current one outside a pass (restore-set, verify). */
    public Listing listing() {
        Run r = run;
        return new Listing(bucket, r != null && r.prefix != null ? r.prefix : generations.load().currentGeneration().prefix());
    }

    /** The listing of one generation, by number (restore-set --generation). */
    public Listing generationListing(int generation) {
        return new Listing(bucket, generations.prefixOf(generation));
    }

    /** Decides every file's action; on a dry run also renders the plan. */
    public void plan(Listing listing) {
        Run r = run;
        List<RemoteObject> remote = listing.objects();
        Optional<String> refusal = SourceCheck.refusal(settings.source(), !remote.isEmpty());
        if (refusal.isPresent()) {
            r.stop(RunStatus.FAILED, "refused: " + refusal.get());
            return;
        }
        Instant stableBefore = clock.instant().minus(settings.stableFor());
        List<LocalFile> stable = new ArrayList<>();
        List<LocalFile> changing = new ArrayList<>();
        for (LocalFile f : r.snapshot.files()) {
            (f.modified().isAfter(stableBefore) ? changing : stable).add(f);
        }
        r.plan = new SyncPlanner(r.prefix, f -> hashes.etag(f, settings.shape())).plan(stable, changing, remote);
        r.deletions = settings.deletion().decide(r.plan);
        r.progress = new RunProgress(r.plan.uploadBytes());
        r.planned = clock.instant();
        if (r.dryRun) {
            r.planText = PlanText.render(r.plan, r.deletions);
        }
    }

    public boolean applying(String token) {
        return proceeding(token) && !run.dryRun;
    }

    /** Aborts pending multipart uploads this plan will not resume: their file is gone or already up to date. */
    public void abortStaleUploads() {
        Set<String> uploading = new HashSet<>();
        run.plan.uploads().forEach(f -> uploading.add(f.key()));
        for (Bucket.PendingUpload p : s3.pendingUploads(run.prefix)) {
            if (!uploading.contains(p.key())) {
                LOG.info("aborting stale pending upload of {}", p.key());
                s3.abortUpload(p.key(), p.uploadId());
            }
        }
    }

    public List<PlannedFile> uploads() {
        run.uploadsStarted = clock.instant();
        return run.plan.uploads();
    }

    /** One upload, on one of the parallel streams. Never throws: the outcome is recorded for the report. */
    public UploadOutcome upload(PlannedFile file) {
        Run r = run;
        guard.markerPresent().ifPresent(reason -> r.window.close(reason, settings.grace()));
        UploadOutcome outcome = chunks.upload(file, r.window, r.progress);
        r.outcomes.add(outcome);
        r.uploadsFinished = clock.instant();
        switch (outcome.status()) {
            case FAILED -> {
                LOG.warn("upload of {} failed: {}", outcome.key(), outcome.message());
                r.errors.add(new Problem(outcome.key(), outcome.message()));
            }
            case UPLOADED, RESUMED -> LOG.info("uploaded {} ({} bytes sent{})", outcome.key(), outcome.sent(),
                    outcome.reused() > 0 ? ", " + outcome.reused() + " resumed" : "");
            case VANISHED -> {
                LOG.warn("{}: {}", outcome.key(), outcome.message());
                r.notes.add(outcome.key() + ": " + outcome.message());
            }
            default -> LOG.info("{} {}: {}", outcome.status().name().toLowerCase(Locale.ROOT), outcome.key(), outcome.message());
        }
        return outcome;
    }

    /** The objects to move to the trash: none unless every upload of this pass succeeded and the policy allows. */
    public List<TrashMove> deletions() {
        Run r = run;
        List<TrashMove> retire = retirements(r);
        if (r.deletions.deletes().isEmpty()) {
            return retire;
        }
        boolean allUploaded = r.outcomes.size() == r.plan.uploads().size() && r.outcomes.stream().allMatch(o -> o.status().done());
        if (!allUploaded) {
            r.notes.add("deletions postponed: they run only after every upload of the pass succeeded");
            return List.of();
        }
        String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        List<TrashMove> moves = new ArrayList<>(r.deletions.deletes().stream()
                .map(f -> new TrashMove(f.key(), settings.trashPrefix() + day + "/" + f.key(), f.size()))
                .toList());
        moves.addAll(retire);
        return moves;
    }

    /**
     * Older generations due to go: only once the current one is verified and offsite.sync.retire-after-days have
     * passed since, and only after every upload of this pass succeeded. Their objects move to the trash.
     */
    private List<TrashMove> retirements(Run r) {
        if (r.gens == null || r.gens.generations().size() < 2) {
            return List.of();
        }
        var current = r.gens.currentGeneration();
        boolean allUploaded = r.outcomes.size() == r.plan.uploads().size() && r.outcomes.stream().allMatch(o -> o.status().done());
        if (current.verified() == null || !allUploaded
                || clock.instant().isBefore(current.verified().plus(Duration.ofDays(settings.retireAfterDays())))) {
            return List.of();
        }
        String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        for (var g : r.gens.generations()) {
            if (g.number() != current.number() && g.retired() == null) {
                for (RemoteObject o : lister.apply(g.prefix())) {
                    r.retiring.add(new TrashMove(o.key(), settings.trashPrefix() + day + "/" + o.key(), o.size()));
                }
                r.gens = r.gens.with(new offsite.store.Generations.Generation(g.number(), g.prefix(), g.started(), g.complete(),
                        g.verified(), clock.instant()));
                r.notes.add("retired generation " + g.number() + " (" + g.prefix() + "): its objects moved to the trash");
            }
        }
        return List.copyOf(r.retiring);
    }

    public void trashed(TrashMove move) {
        LOG.info("moved {} to {}", move.key(), move.trashKey());
        run.trashed.add(move);
    }

    public Listing trashListing() {
        return new Listing(bucket, settings.trashPrefix());
    }

    /** Trash objects older than offsite.sync.trash-days, by the day folder they were moved into. */
    public List<String> expiredTrash(Listing trash) {
        LocalDate oldestKept = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(settings.deletion().trashDays());
        List<String> expired = new ArrayList<>();
        for (RemoteObject o : trash.objects()) {
            String rest = o.key().substring(settings.trashPrefix().length());
            int slash = rest.indexOf('/');
            try {
                if (slash > 0 && LocalDate.parse(rest.substring(0, slash)).isBefore(oldestKept)) {
                    expired.add(o.key());
                }
            } catch (java.time.format.DateTimeParseException ignored) {
                // not ours: the trash prefix holds only day folders we wrote, anything else is left alone
            }
        }
        return expired;
    }

    public void purged(String key) {
        LOG.info("purged {} from the trash", key);
        run.purged++;
    }

    /** Records what stopped the pass; finish() reports it. */
    public void fail(Exception e, String token) {
        String cause = S3Errors.explain(e, s3Settings);
        if (!owns(token)) {
            LOG.warn("sync pass not started: {}", cause); // another pass runs: its state is not ours to change
            return;
        }
        LOG.error("sync pass failed: {}", cause);
        run.errors.add(new Problem("pass", cause));
        run.stop(RunStatus.FAILED, cause);
    }

    /** Writes the report, saves the hash cache and ends the pass. */
    public SyncReport finish(String token) {
        Run r = run;
        if (!owns(token)) {
            Instant now = clock.instant();
            return new SyncReport(RunStatus.WARN, "skipped: a sync pass is already running since " + (r == null ? "?" : r.started), false,
                    now, now, String.valueOf(settings.source()), "s3://" + bucket + "/" + settings.prefix(), Map.of(), Count.NONE, 0, 0, 0,
                    0, Count.NONE, null, 0, Count.NONE, -1, 0, -1, List.of(), List.of(), List.of());
        }
        try {
            SyncReport report = report(r);
            advanceGeneration(r, report);
            report = report.withGenerations(r.gens == null ? List.of() : r.gens.generations());
            try {
                hashes.save();
                reports.save(report);
            } catch (IOException e) {
                LOG.error("cannot write the report under the data directory: {}", e.getMessage());
            }
            return report;
        } finally {
            busy.set(false);
        }
    }

    /** The plan of the last pass, or null before one planned. */
    public SyncPlan lastPlan() {
        Run r = run;
        return r == null ? null : r.plan;
    }

    public String planText() {
        Run r = run;
        return r == null ? "" : r.planText;
    }

    /** Closes the window of the pass in progress, for a shutdown: uploads stop after their current part. */
    public void stop(String reason) {
        Run r = run;
        if (r != null) {
            r.window.close(reason, Duration.ZERO);
        }
    }

    public RunProgress progress() {
        Run r = run;
        return r == null ? null : r.progress;
    }

    private SyncReport report(Run r) {
        Instant finished = clock.instant();
        Map<String, Count> actions = new LinkedHashMap<>();
        Count uploaded = Count.NONE;
        Count left = Count.NONE;
        Count deleted = Count.NONE;
        long sent = 0;
        long resumed = 0;
        if (r.plan != null) {
            r.plan.totals().forEach((a, t) -> actions.put(a.name().toLowerCase(Locale.ROOT).replace('_', '-'), new Count(t[0], t[1])));
            for (UploadOutcome o : r.outcomes) {
                sent += o.sent();
                resumed += o.reused();
                if (o.status().done()) {
                    uploaded = uploaded.plus(o.size());
                } else if (o.status() != UploadOutcome.Status.FAILED && o.status() != UploadOutcome.Status.VANISHED) {
                    left = left.plus(o.size());
                }
            }
            if (!r.dryRun) {
                long notReached = r.plan.uploads().size() - r.outcomes.size();
                if (notReached > 0) {
                    left = new Count(left.files() + notReached, left.bytes());
                }
            }
            for (TrashMove m : r.trashed) {
                deleted = deleted.plus(m.size());
            }
        }
        double seconds = r.uploadsStarted == null || r.uploadsFinished == null ? 1
                : Math.max(0.001, (r.uploadsFinished.toEpochMilli() - r.uploadsStarted.toEpochMilli()) / 1000.0);
        RunStatus status = r.status;
        String reason = r.stopReason;
        List<String> notes = new ArrayList<>(r.notes);
        String deletionRefused = null;
        if (r.deletions != null && r.deletions.refused()) {
            deletionRefused = r.deletions.refusal();
            if (settings.deletion().enabled()) {
                status = status.worst(RunStatus.WARN);
            } else {
                notes.add(deletionRefused);
                deletionRefused = null;
            }
        }
        if (!r.errors.isEmpty()) {
            status = status.worst(RunStatus.FAILED);
        }
        boolean cutShort = left.files() > 0;
        boolean changedDuring = r.outcomes.stream().anyMatch(o -> o.status() == UploadOutcome.Status.CHANGED_DURING_UPLOAD
                || o.status() == UploadOutcome.Status.VANISHED);
        Count deferred = actions.getOrDefault("deferred", Count.NONE);
        if (cutShort || changedDuring || deferred.files() > 0) {
            status = status.worst(RunStatus.WARN);
        }
        if (reason == null) {
            reason = reasonFor(r, status, uploaded, left, deferred, deletionRefused);
        }
        long plannedBytes = r.plan == null ? 0 : r.plan.uploadBytes();
        long mirrored = mirroredBytes(r);
        return new SyncReport(status, reason, r.dryRun, r.started, finished, String.valueOf(settings.source()),
                "s3://" + bucket + "/" + r.prefix, actions, uploaded, sent, resumed, sent / seconds, hashes.bytesHashed(),
                deleted, deletionRefused, r.purged, left, estimateSeconds(plannedBytes),
                r.planned == null ? 0 : (r.planned.toEpochMilli() - r.started.toEpochMilli()) / 1000.0, mirrored, List.copyOf(r.errors), notes, List.of());
    }

    /** A generation is complete after a clean pass that left nothing, verified by a later pass that found nothing to do. */
    private void advanceGeneration(Run r, SyncReport report) {
        if (r.gens == null || r.dryRun || r.plan == null || r.stopReason != null || report.status() == RunStatus.FAILED) {
            return; // only a pass that planned and ran to its end says anything about the generation
        }
        var g = r.gens.currentGeneration();
        boolean clean = report.leftForNextWindow().files() == 0 && report.actions().getOrDefault("deferred", Count.NONE).files() == 0;
        boolean nothingToDo = clean && report.uploaded().files() == 0 && report.actions().getOrDefault("new", Count.NONE).files() == 0
                && report.actions().getOrDefault("changed", Count.NONE).files() == 0;
        Instant now = clock.instant();
        var next = g;
        if (g.complete() == null && clean) {
            next = new offsite.store.Generations.Generation(g.number(), g.prefix(), g.started(), now, null, null);
        } else if (g.complete() != null && g.verified() == null && nothingToDo) {
            next = new offsite.store.Generations.Generation(g.number(), g.prefix(), g.started(), g.complete(), now, null);
        }
        // a FAILED pass returned above: retirement marks stand only when every move succeeded
        if (next != g || !r.retiring.isEmpty()) {
            r.gens = r.gens.with(next);
            generations.save(r.gens);
        }
    }

    /** Bytes under the prefix after the pass: the listing, plus what went up, less what it replaced or trashed. */
    private static long mirroredBytes(Run r) {
        if (r.plan == null || r.dryRun) {
            return r.plan == null ? -1 : r.plan.remoteBytes();
        }
        Map<String, PlannedFile> byKey = new java.util.HashMap<>();
        r.plan.files().forEach(f -> byKey.put(f.key(), f));
        long bytes = r.plan.remoteBytes();
        for (UploadOutcome o : r.outcomes) {
            if (o.status().done()) {
                PlannedFile f = byKey.get(o.key());
                bytes += o.size() - (f != null && f.remote() != null ? f.remote().size() : 0);
            }
        }
        for (TrashMove m : r.trashed) {
            bytes -= m.size();
        }
        return bytes;
    }

    private String reasonFor(Run r, RunStatus status, Count uploaded, Count left, Count deferred, String deletionRefused) {
        if (status == RunStatus.FAILED) {
            return r.errors.size() + " error(s); first: " + r.errors.get(0).subject() + ": " + r.errors.get(0).cause();
        }
        if (r.dryRun) {
            return "dry run: " + (r.plan == null ? 0 : r.plan.uploads().size()) + " file(s) to upload, "
                    + (r.deletions == null ? 0 : r.deletions.deletes().size()) + " to delete; nothing written";
        }
        if (deletionRefused != null) {
            return "deletions REFUSED, nothing deleted: " + deletionRefused;
        }
        if (left.files() > 0 && r.window.closedReason() != null) {
            return left.files() + " file(s) left for the next window: " + r.window.closedReason();
        }
        if (deferred.files() > 0) {
            return deferred.files() + " file(s) still being written, left for the next run";
        }
        long vanished = r.outcomes.stream().filter(o -> o.status() == UploadOutcome.Status.VANISHED).count();
        if (vanished > 0) {
            return vanished + " file(s) vanished during the run (removed at the source); nothing of them was sent";
        }
        if (r.outcomes.stream().anyMatch(o -> o.status() == UploadOutcome.Status.CHANGED_DURING_UPLOAD)) {
            return "a file changed while it was uploaded; it goes again next run";
        }
        return uploaded.files() == 0 && r.trashed.isEmpty() ? "mirror up to date, nothing to send"
                : "mirror up to date: " + uploaded.files() + " file(s) uploaded, " + r.trashed.size() + " moved to trash";
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
