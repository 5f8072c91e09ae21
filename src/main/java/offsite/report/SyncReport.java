package offsite.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import offsite.store.Generations;

/**
 * What one mirror pass did, in figures; rendered as text by SyncReportText and stored as JSON. skipped: the pass mirrored
 * nothing by design (its window had closed, the backup application was busy, another pass held the lock), so it is no
 * success for the heartbeat and the metrics, nor a failure.
 */
public record SyncReport(
        RunStatus status,
        String reason,
        boolean skipped,
        boolean dryRun,
        Instant started,
        Instant finished,
        String source,
        String destination,
        Map<String, Count> actions,
        Count uploaded,
        long bytesSent,
        long bytesResumed,
        double bytesPerSecond,
        long bytesHashed,
        Count deleted,
        String deletionRefused,
        int trashPurged,
        Count leftForNextWindow,
        long estimatedSeconds,
        double planSeconds,
        long mirroredBytes,
        List<Problem> errors,
        List<String> notes,
        List<Generations.Generation> generations) {

    /** A number of files and their bytes. */
    public record Count(long files, long bytes) {
        public static final Count NONE = new Count(0, 0);

        public Count plus(long size) {
            return new Count(files + 1, bytes + size);
        }
    }

    /** One thing that went wrong: which object or setting, and the cause in a line. */
    public record Problem(String subject, String cause) {
    }

    public SyncReport {
        actions = Map.copyOf(actions);
        errors = List.copyOf(errors);
        notes = List.copyOf(notes);
        generations = generations == null ? List.of() : List.copyOf(generations);
    }

    /** This report with the generations as they stand after the pass. */
    public SyncReport withGenerations(List<Generations.Generation> after) {
        return new SyncReport(status, reason, skipped, dryRun, started, finished, source, destination, actions, uploaded, bytesSent, bytesResumed,
                bytesPerSecond, bytesHashed, deleted, deletionRefused, trashPurged, leftForNextWindow, estimatedSeconds, planSeconds,
                mirroredBytes, errors, notes, after);
    }

    /** The same report at least WARN, the warning among its notes (and its reason, where the pass was OK). */
    public SyncReport withWarning(String warning) {
        List<String> warned = new ArrayList<>(notes);
        warned.add(warning);
        return new SyncReport(status.worst(RunStatus.WARN), status == RunStatus.OK ? warning : reason, skipped, dryRun, started, finished, source,
                destination, actions, uploaded, bytesSent, bytesResumed, bytesPerSecond, bytesHashed, deleted, deletionRefused, trashPurged,
                leftForNextWindow, estimatedSeconds, planSeconds, mirroredBytes, errors, warned, generations);
    }

    /** The first line: status and a one-line reason. */
    public String headline() {
        return status + ": " + reason;
    }

    /** The report as a person reads it. */
    public String text() {
        return SyncReportText.render(this);
    }

    public long durationSeconds() {
        return Math.max(0, finished.getEpochSecond() - started.getEpochSecond());
    }
}
