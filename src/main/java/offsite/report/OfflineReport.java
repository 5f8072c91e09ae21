package offsite.report;

import java.time.Instant;
import java.util.List;

/**
 * What one offline copy did: OK (a verified snapshot), WARN (refused before writing: no drive, not mounted, the backup
 * application at work, no room) or FAILED (stopped while copying: the drive went away, the set changed, a maintenance
 * marker appeared, an error); the snapshot's folder (null when none
 * was kept), its files and bytes, and the old snapshots removed to make room. busy: refused or stopped because the set was
 * in use (the backup application at work, or another copy under way), which the schedule tries again within its period
 * (offsite.offline.retry-every); repeated: such a try that ended as the one before it, or a copy refused because this
 * process's own copy was under way (which reports itself), saved and shown but not sent.
 */
public record OfflineReport(RunStatus status, String reason, String destination, String snapshot, Instant started, Instant finished,
        int files, long bytes, List<String> removed, boolean busy, boolean repeated) {

    public OfflineReport {
        removed = removed == null ? List.of() : List.copyOf(removed);
    }

    public String headline() {
        return status + ": " + reason;
    }

    public String text() {
        StringBuilder out = new StringBuilder(headline()).append('\n');
        out.append("  destination ").append(destination).append('\n');
        out.append("  snapshot ").append(snapshot == null ? "none kept" : snapshot).append('\n');
        out.append("  ").append(files).append(" files, ").append(ByteSize.format(bytes)).append('\n');
        out.append("  removed: ").append(removed.isEmpty() ? "none" : String.join(", ", removed)).append('\n');
        return out.toString();
    }
}
