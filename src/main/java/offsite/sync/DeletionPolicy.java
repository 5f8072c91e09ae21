package offsite.sync;

import java.util.List;
import java.util.Locale;

/**
 * Mirroring deletions is opt-in and all-or-nothing: when the run would delete more objects than maxCount or
 * more than maxPercent of the remote bytes, it deletes none (an emptied or half-mounted source looks like that).
 */
public record DeletionPolicy(boolean enabled, int maxCount, double maxPercent, int trashDays) {

    public DeletionPolicy {
        if (maxCount < 0) {
            throw new IllegalArgumentException("offsite.sync.max-delete-count: " + maxCount + " is negative (expected 0 or more)");
        }
        if (maxPercent < 0 || maxPercent > 100) {
            throw new IllegalArgumentException("offsite.sync.max-delete-percent: " + maxPercent + " is out of range (expected 0 to 100)");
        }
        if (trashDays < 0) {
            throw new IllegalArgumentException("offsite.sync.trash-days: " + trashDays + " is negative (expected 0 or more)");
        }
    }

    /** What the run may delete: all remote-only objects, or none with the reason. */
    public record Decision(List<PlannedFile> deletes, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    /**
     * Which limit count objects of bytes, out of totalBytes (named by whose, "remote bytes"), would pass, said as every
     * refusal says it; null within both. Retiring an older generation is held to the same limits for what it would lose.
     */
    public String overLimits(int count, long bytes, long totalBytes, String whose) {
        if (count > maxCount) {
            return String.format(Locale.ROOT, "more than offsite.sync.max-delete-count=%d", maxCount);
        }
        double percent = totalBytes == 0 ? 0 : 100.0 * bytes / totalBytes;
        if (percent > maxPercent) {
            return String.format(Locale.ROOT, "%.1f%% of %s is more than offsite.sync.max-delete-percent=%s", percent, whose, maxPercent);
        }
        return null;
    }

    public Decision decide(SyncPlan plan) {
        List<PlannedFile> remoteOnly = plan.with(SyncAction.REMOTE_ONLY);
        if (remoteOnly.isEmpty()) {
            return new Decision(List.of(), null);
        }
        if (!enabled) {
            return new Decision(List.of(), "deletions are off (offsite.sync.delete=false): " + remoteOnly.size()
                    + " remote-only object(s) kept");
        }
        String over = overLimits(remoteOnly.size(), remoteOnly.stream().mapToLong(PlannedFile::size).sum(), plan.remoteBytes(), "remote bytes");
        if (over != null) {
            return new Decision(List.of(), String.format("REFUSED %d deletions: %s; nothing deleted. Check the source, then raise the"
                    + " limit for one run if the deletions are meant", remoteOnly.size(), over));
        }
        return new Decision(remoteOnly, null);
    }
}
