package offsite.sync;

import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import offsite.report.ByteSize;

/**
 * Keeps a source destroyed by change from replacing the only offsite copy, beside the deletion limits. A file that
 * shrank to 0 bytes or to under 1% of its stored size is held back, never sent. And when the changed files would
 * replace more than maxPercent of the stored bytes (files that shrank are not counted: grooming shrinks chunks), the
 * pass is refused as a whole until it is accepted (ransomware that encrypts in place looks like this).
 */
public record ChangeGuard(double maxPercent) {

    /** Below this share of its stored size, a shrunken file is held back. */
    static final double HOLD_BELOW = 0.01;

    public ChangeGuard {
        if (maxPercent < 0 || maxPercent > 100) {
            throw new IllegalArgumentException("offsite.sync.max-change-percent: " + maxPercent + " is out of range (expected 0 to 100)");
        }
    }

    /** The plan with shrunken files held back, and the refusal of the whole pass or null. */
    public record Review(SyncPlan plan, List<PlannedFile> held, String refusal) {
    }

    /** Whether a file stored at storedSize and now of size shrank as a broken disk or a truncating program shrinks it. */
    public static boolean shrankAway(long storedSize, long size) {
        return storedSize > 0 && (size == 0 || size < storedSize * HOLD_BELOW);
    }

    public Review review(SyncPlan plan, boolean accepted) {
        List<PlannedFile> out = new ArrayList<>(plan.files().size());
        List<PlannedFile> held = new ArrayList<>();
        long replaced = 0;
        int replacing = 0;
        for (PlannedFile f : plan.files()) {
            if (f.action() == SyncAction.CHANGED && f.remote() != null && shrankAway(f.remote().size(), f.size())) {
                PlannedFile hold = new PlannedFile(SyncAction.HELD, f.key(), f.size(), "shrank from " + ByteSize.format(f.remote().size())
                        + " to " + ByteSize.format(f.size()) + ": held back, the stored copy is kept (a broken disk or a truncating"
                        + " program looks like this)", f.local(), f.remote());
                held.add(hold);
                out.add(hold);
                continue;
            }
            if (f.action() == SyncAction.CHANGED && f.remote() != null && f.size() >= f.remote().size()) {
                replaced += f.remote().size();
                replacing++;
            }
            out.add(f);
        }
        SyncPlan reviewed = new SyncPlan(out, plan.remoteBytes(), plan.remoteObjects(), plan.staleCache());
        double percent = plan.remoteBytes() == 0 ? 0 : 100.0 * replaced / plan.remoteBytes();
        if (accepted || percent <= maxPercent) {
            return new Review(reviewed, held, null);
        }
        return new Review(reviewed, held, String.format(Locale.ROOT, "REFUSED: %d changed file(s) would replace %s of the %s stored"
                + " (%.1f%%), more than offsite.sync.max-change-percent=%s; nothing was changed. Check the source (a program that"
                + " rewrites files in place, such as ransomware, looks like this), then run `sync --accept-changes` once or raise"
                + " the setting", replacing, ByteSize.format(replaced), ByteSize.format(plan.remoteBytes()), percent,
                new DecimalFormat("0.##").format(maxPercent)));
    }
}
