package offsite.sync;

import java.util.concurrent.CompletableFuture;

/**
 * What a mirror pass is asked to do, and where the finished pass is handed back: the message that starts a pass
 * (routes/sync.yaml, direct:sync). A command keeps the request and reads the pass's report (and plan) from it,
 * whatever body the route's later steps leave.
 */
public record SyncRequest(String trigger, boolean dryRun, boolean newGeneration, boolean acceptChanges, CompletableFuture<Pass> finished) {

    public SyncRequest {
        finished = finished == null ? new CompletableFuture<>() : finished;
    }

    /** The nightly window's pass. */
    public static SyncRequest scheduled() {
        return new SyncRequest("scheduled", false, false, false, null);
    }

    /** A pass asked for on the command line (or by a test). */
    public static SyncRequest command(boolean dryRun, boolean newGeneration, boolean acceptChanges) {
        return new SyncRequest("command", dryRun, newGeneration, acceptChanges, null);
    }

    /** The finished pass, once its report is written (the route has run by then when sent with request-reply). */
    public Pass pass() {
        return finished.getNow(null);
    }
}
