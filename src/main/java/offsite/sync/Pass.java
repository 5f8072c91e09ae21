package offsite.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import offsite.report.RunStatus;
import offsite.report.SyncReport.Problem;
import offsite.report.SyncReport;
import offsite.store.Generations;
import offsite.store.RemoteObject;

/**
 * The data of one mirror pass as it moves through routes/sync.yaml: the message body from the first step to the
 * report. Each step fills in its part (the source as scanned, the listing, the plan, each upload's outcome, the
 * objects moved to the trash); a step that stops the pass says why, and the later steps are skipped. Nothing of a
 * pass outlives it: the next pass starts from a new one.
 */
public final class Pass {

    private final SyncRequest request;
    private final Instant started;
    private final TransferWindow window;
    private volatile SyncLock.Held lock;
    private final List<Problem> errors = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notSaved = Collections.synchronizedList(new ArrayList<>());
    private final List<UploadOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final List<TrashMove> trashed = Collections.synchronizedList(new ArrayList<>());
    private final List<TrashMove> kept = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean keepReplaced = true;
    private volatile RunStatus status = RunStatus.OK;
    private volatile String stopReason;
    private volatile String warning;
    private volatile boolean skipped;
    private volatile boolean passedOver;
    private volatile boolean trashSkipped;
    private int storeStoppedNote = -1;

    private volatile String prefix;
    private volatile Generations.State generations;
    private volatile Generations.State asRead;
    private volatile SourceScan.Snapshot source;
    private volatile List<RemoteObject> remote;
    private volatile SyncPlan plan;
    private volatile DeletionPolicy.Decision deletions;
    private volatile RunProgress progress;
    private volatile RunProgress hashing;
    private volatile String planText = "";
    private volatile Instant planned;
    private volatile Instant uploadsStarted;
    private volatile Instant uploadsFinished;
    private volatile int purged;
    private volatile long steps;
    private volatile List<RemoteObject> trash;
    private volatile String trashPrefix;
    private final List<TrashMove> retiring = Collections.synchronizedList(new ArrayList<>());
    private volatile SyncReport report;
    private final long hashedBefore;

    /** hashedBefore: the bytes the process's hash cache had read when the pass began (its count runs for the process). */
    Pass(SyncRequest request, Instant started, TransferWindow window, String prefix, long hashedBefore) {
        this.request = request;
        this.started = started;
        this.window = window;
        this.prefix = prefix;
        this.hashedBefore = hashedBefore;
    }

    public long hashedBefore() {
        return hashedBefore;
    }

    public SyncRequest request() {
        return request;
    }

    public boolean dryRun() {
        return request.dryRun();
    }

    public Instant started() {
        return started;
    }

    public TransferWindow window() {
        return window;
    }

    /** The pass's lock, null when it holds none (a dry run, or a pass skipped for another). */
    SyncLock.Held lock() {
        return lock;
    }

    void locked(SyncLock.Held held) {
        lock = held;
    }

    /** Whether the later steps run: nothing has stopped the pass. */
    public boolean proceeding() {
        return stopReason == null;
    }

    /** Whether uploads and deletions run: proceeding, and not a dry run. */
    public boolean applying() {
        return proceeding() && !request.dryRun();
    }

    /** Stops the pass with this verdict and reason; the first reason given is the one reported. */
    public synchronized void stop(RunStatus verdict, String reason) {
        status = status.worst(verdict);
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    /** Makes the pass WARN without stopping it (a state rebuilt, a stale cache found); the first reason is reported. */
    public synchronized void warn(String reason) {
        status = status.worst(RunStatus.WARN);
        if (warning == null) {
            warning = reason;
        }
    }

    /** Why the pass WARNs though nothing stopped it, or null. */
    public String warning() {
        return warning;
    }

    /** Skips the pass: another holds the lock; its report is not saved, the other pass's state is left alone. */
    public void skip(String reason) {
        skipped = true;
        passOver("skipped: " + reason);
    }

    /** Ends the pass before it mirrors anything, by design (its window closed, the backup application busy): a WARN, no success. */
    public synchronized void passOver(String reason) {
        if (stopReason == null) {
            passedOver = true;
        }
        stop(RunStatus.WARN, reason);
    }

    /** Whether the pass was passed over: it mirrored nothing and was meant not to. */
    public boolean passedOver() {
        return passedOver;
    }

    public boolean skipped() {
        return skipped;
    }

    public void fail(String subject, String cause) {
        errors.add(new Problem(subject, cause));
        stop(RunStatus.FAILED, cause);
    }

    public RunStatus status() {
        return status;
    }

    public String stopReason() {
        return stopReason;
    }

    public List<Problem> errors() {
        return errors;
    }

    public void error(String subject, String cause) {
        errors.add(new Problem(subject, cause));
    }

    public List<String> notes() {
        return notes;
    }

    /** What of this pass's local state under offsite.data.dir could not be written, and why (a full disk, say). */
    public List<String> notSaved() {
        return List.copyOf(notSaved);
    }

    public void notSaved(String what) {
        notSaved.add(what);
    }

    public void note(String note) {
        notes.add(note);
    }

    public String prefix() {
        return prefix;
    }

    public Generations.State generations() {
        return generations;
    }

    void generations(Generations.State state) {
        generations = state;
        asRead = state;
        prefix = state.currentGeneration().prefix();
    }

    /** The generations as the pass read (or started) them, without the retirement marks it made since; null before. */
    public Generations.State generationsAsRead() {
        return asRead;
    }

    public SourceScan.Snapshot source() {
        return source;
    }

    void source(SourceScan.Snapshot snapshot) {
        source = snapshot;
    }

    /** The objects under the generation's prefix as the pass listed them, or null before the listing. */
    public List<RemoteObject> remote() {
        return remote;
    }

    void remote(List<RemoteObject> listed) {
        remote = List.copyOf(listed);
    }

    public SyncPlan plan() {
        return plan;
    }

    public DeletionPolicy.Decision deletions() {
        return deletions;
    }

    void planned(SyncPlan decided, DeletionPolicy.Decision allowedDeletions, Instant at) {
        plan = decided;
        deletions = allowedDeletions;
        planned = at;
        progress = new RunProgress(decided.uploadBytes());
    }

    public Instant plannedAt() {
        return planned;
    }

    public RunProgress progress() {
        return progress;
    }

    /** The hashing that planning does (files the hash cache does not know), or null before the plan step. */
    public RunProgress hashing() {
        return hashing;
    }

    void hashing(RunProgress planning) {
        hashing = planning;
    }

    public String planText() {
        return planText;
    }

    void planText(String text) {
        planText = text;
    }

    /** The files to send, biggest first, each with this pass: the items the route splits over. */
    public List<UploadTask> uploads() {
        uploadsStarted = Instant.now();
        return plan == null ? List.of() : plan.uploads().stream().map(f -> new UploadTask(f, this)).toList();
    }

    public Instant uploadsStarted() {
        return uploadsStarted;
    }

    public Instant uploadsFinished() {
        return uploadsFinished;
    }

    /** Records how one upload ended (the route's aggregation hands each one here). */
    public void record(UploadOutcome outcome) {
        outcomes.add(outcome);
        if (outcome.status() == UploadOutcome.Status.VANISHED) {
            notes.add(PrintableName.of(outcome.key()) + ": " + outcome.message());
        } else if (outcome.status() == UploadOutcome.Status.FAILED) {
            errors.add(new Problem(PrintableName.of(outcome.key()), outcome.message()));
        }
        uploadsFinished = Instant.now();
    }

    public List<UploadOutcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** Whether every planned upload ran and succeeded: deletions wait for that. */
    public boolean allUploaded() {
        List<UploadOutcome> done = outcomes();
        return plan != null && done.size() == plan.uploads().size() && done.stream().allMatch(o -> o.status().done());
    }

    public void trashed(TrashMove move) {
        trashed.add(move);
    }

    public List<TrashMove> trashed() {
        return List.copyOf(trashed);
    }

    /** Whether objects this pass replaces are copied to the trash first (not where the bucket versions them). */
    public boolean keepReplaced() {
        return keepReplaced;
    }

    void keepReplaced(boolean keep) {
        keepReplaced = keep;
    }

    /** Records a replaced object's copy in the trash. */
    void kept(TrashMove copy) {
        kept.add(copy);
    }

    /** The replaced objects this pass copied to the trash first. */
    public List<TrashMove> kept() {
        return List.copyOf(kept);
    }

    public List<TrashMove> retiring() {
        return List.copyOf(retiring);
    }

    void retire(TrashMove move) {
        retiring.add(move);
    }

    void retired(Generations.State after) {
        generations = after;
    }

    /**
     * Says in one note that the S3 server stopped answering and what the pass left undone for it: the first call gives
     * the reason, each call adds what was skipped.
     */
    void storeStopped(String reason, String skipped) {
        synchronized (notes) {
            if (storeStoppedNote < 0) {
                notes.add(reason + "; " + skipped);
                storeStoppedNote = notes.size() - 1;
            } else {
                notes.set(storeStoppedNote, notes.get(storeStoppedNote) + "; " + skipped);
            }
        }
    }

    /** Whether the trash moves and the purge were skipped: the S3 server had stopped answering. */
    public boolean trashSkipped() {
        return trashSkipped;
    }

    /** Marks the trash moves and the purge skipped (the S3 server stopped answering); true the first time only. */
    synchronized boolean skipTrash() {
        boolean first = !trashSkipped;
        trashSkipped = true;
        return first;
    }

    public int purged() {
        return purged;
    }

    synchronized void purgedOne() {
        purged++;
        steps++;
    }

    /** The server-side steps done (trash moves, purges), which move no byte here: progress all the same, for the stall watch. */
    public long steps() {
        return steps;
    }

    synchronized void stepped() {
        steps++;
    }

    /** The trash as the purge listed it, less what it purged; null when the pass did not list it. */
    public List<RemoteObject> trash() {
        return trash;
    }

    void trash(String prefix, List<RemoteObject> left) {
        trashPrefix = prefix;
        trash = List.copyOf(left);
    }

    /** The trash prefix the purge listed, or null. */
    public String trashPrefix() {
        return trashPrefix;
    }

    /** The pass's report, once it has ended; null before. */
    public SyncReport report() {
        return report;
    }

    void report(SyncReport ended) {
        report = ended;
    }

    /**
     * The objects under the generation's prefix after the pass, from its own listing and what it changed (uploads
     * done, objects moved out); null when the pass listed nothing or wrote nothing (a dry run).
     */
    public List<RemoteObject> mirrorAfter() {
        if (remote == null || dryRun()) {
            return null;
        }
        Map<String, RemoteObject> byKey = new TreeMap<>();
        remote.forEach(o -> byKey.put(o.key(), o));
        Instant now = Instant.now();
        for (UploadOutcome o : outcomes()) {
            if (o.status().done()) {
                byKey.put(o.key(), new RemoteObject(o.key(), o.size(), o.etag(), now));
            }
        }
        trashed().forEach(m -> byKey.remove(m.key()));
        return List.copyOf(byKey.values());
    }

    /** One file to upload, with the pass it belongs to: its window, progress and outcome list. */
    public record UploadTask(PlannedFile file, Pass pass) {
    }

    /** One object to move to the trash, with its pass. */
    public record TrashTask(TrashMove move, Pass pass) {
    }
}
