package offsite.report;

import java.time.Instant;
import offsite.store.Generations.Generation;

/** One generation of the mirror in a line: number, prefix and how far it got (started, complete, verified, retired). */
public final class GenerationText {

    private GenerationText() {
    }

    public static String line(Generation g, boolean current) {
        return "generation " + g.number() + " (" + g.prefix() + "): " + state(g, current);
    }

    /** The generation's state in words. */
    public static String state(Generation g, boolean current) {
        if (g.retired() != null) {
            return "retired " + day(g.retired()) + " (moved to the trash)";
        }
        if (!current) {
            return "older copy, kept until the current one is verified and offsite.sync.retire-after-days have passed";
        }
        if (g.verified() != null) {
            return "current, complete " + day(g.complete()) + ", verified " + day(g.verified());
        }
        if (g.complete() != null) {
            return "current, complete " + day(g.complete()) + ", not yet verified";
        }
        return g.started() == null ? "current" : "current, started " + day(g.started()) + ", being filled";
    }

    private static String day(Instant t) {
        return t == null ? "?" : t.toString().substring(0, 16).replace('T', ' ') + "Z";
    }
}
