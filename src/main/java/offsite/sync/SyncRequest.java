package offsite.sync;

import java.util.concurrent.CompletableFuture;

/**
 * What a mirror pass is asked to do, and where the finished pass is handed back: the message that starts a pass
 * (routes/sync.yaml, direct:sync). A command keeps the request and reads the pass's report (and plan) from it,
 * whatever body the route's later steps leave. window: the nightly window a scheduled pass belongs to, which bounds
 * it when it starts late; null for a pass that opens its own window as it starts (a command, the pass at start-up).
 */
public record SyncRequest(String trigger, boolean dryRun, boolean newGeneration, boolean acceptChanges, ScheduledWindow window,
        CompletableFuture<Pass> finished) {

    public SyncRequest {
        finished = finished == null ? new CompletableFuture<>() : finished;
    }

    /** A pass of the nightly window, or of none known (a bare trigger: a user's route). */
    public static SyncRequest scheduled(ScheduledWindow window) {
        return new SyncRequest("scheduled", false, false, false, window, null);
    }

    /** The pass run once right after start-up: its window opens as it starts. */
    public static SyncRequest atStart() {
        return new SyncRequest("start", false, false, false, null, null);
    }

    /** A pass asked for on the command line (or by a test). */
    public static SyncRequest command(boolean dryRun, boolean newGeneration, boolean acceptChanges) {
        return new SyncRequest("command", dryRun, newGeneration, acceptChanges, null, null);
    }

    /** run's restore test of the set (offsite.sync.verify-cron): a dry run that plans as verify does, changes taken. */
    public static SyncRequest restoreTest() {
        return new SyncRequest("restore-test", true, false, true, null, null);
    }

    /** The finished pass, once its report is written (the route has run by then when sent with request-reply). */
    public Pass pass() {
        return finished.getNow(null);
    }
}
