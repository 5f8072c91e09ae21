package offsite.sync;

import java.util.Locale;
import offsite.report.ByteSize;

/** The dry-run listing: one line per file with its action and reason, then totals. */
public final class PlanText {

    private PlanText() {
    }

    public static String render(SyncPlan plan, DeletionPolicy.Decision deletions) {
        StringBuilder out = new StringBuilder();
        for (PlannedFile f : plan.files()) {
            String action = f.action().name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (f.action() == SyncAction.REMOTE_ONLY) {
                action = deletions.refused() ? "keep" : "delete";
            }
            out.append(String.format(Locale.ROOT, "%-10s %12s  %s  (%s)%n", action, ByteSize.format(f.size()), PrintableName.of(f.key()), PrintableName.of(f.reason())));
        }
        plan.totals().forEach((action, t) -> out.append(String.format(Locale.ROOT, "total %-12s %6d files %12s%n",
                action.name().toLowerCase(Locale.ROOT).replace('_', '-'), t[0], ByteSize.format(t[1]))));
        return out.toString();
    }
}
