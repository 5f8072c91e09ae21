package offsite.offline;

import java.util.concurrent.CompletableFuture;
import offsite.report.OfflineReport;

/**
 * An offline copy asked for, and where its report is handed back: the message that starts one (routes/offline.yaml,
 * direct:offline). The `offline` command keeps the request and reads the report from it, whatever body the route's later
 * steps leave.
 */
public record OfflineRequest(String trigger, CompletableFuture<OfflineReport> finished) {

    public OfflineRequest {
        finished = finished == null ? new CompletableFuture<>() : finished;
    }

    /** The monthly schedule's copy (or a bare trigger: a user's route). */
    public static OfflineRequest scheduled() {
        return new OfflineRequest("scheduled", null);
    }

    /** The schedule's copy tried again after the set was in use (routes/offline.yaml, offline-retry). */
    public static OfflineRequest retry() {
        return new OfflineRequest("retry", null);
    }

    /** Whether this is a try again of the schedule's copy. */
    public boolean retried() {
        return "retry".equals(trigger);
    }

    /** A copy asked for on the command line. */
    public static OfflineRequest command() {
        return new OfflineRequest("command", null);
    }

    /** The report, once the copy is done and its report saved; null before. */
    public OfflineReport report() {
        return finished.getNow(null);
    }
}
