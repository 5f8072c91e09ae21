package offsite.image;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * When to send a new complete image instead of a delta against the current one: when there is none, when asked
 * (`image --full`), when the complete image is older than maxAge (optional, null: no limit), or when
 * delta_size > complete_size * factor / deltas_sent. Each delta holds everything since the complete image, so
 * past that bound the deltas of a cycle outweigh a new complete image. deltas_sent = 0 (the first delta) has no
 * bound in that formula; the rule uses complete_size * min(factor, 1) there: a first delta larger than the image
 * it patches is never worth sending (the complete image costs no more to send and restores alone).
 */
public record CompleteImageRule(double factor, Duration maxAge) {

    public static final double DEFAULT_FACTOR = 2;

    public CompleteImageRule {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("offsite.image.full-factor: " + factor + " is not valid (expected a number above 0, default 2)");
        }
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new IllegalArgumentException("offsite.image.full-max-age: " + maxAge + " is not valid (expected a duration above 0, or none)");
        }
    }

    /** Factor 2, no maximum age. */
    public static CompleteImageRule defaults() {
        return new CompleteImageRule(DEFAULT_FACTOR, null);
    }

    /** The verdict, and why in one line (it goes into the report). */
    public record Decision(boolean full, String reason) {
        public Decision {
            if (reason == null || reason.isBlank() || reason.contains("\n")) {
                throw new IllegalArgumentException("a decision needs a one-line reason");
            }
        }
    }

    /** The whole rule at once; deltaSize is the delta against the complete image, unused when one is due anyway. */
    public Decision decide(boolean haveComplete, boolean forced, Instant completeCreated, Instant now, long completeSize,
            int deltasSent, long deltaSize) {
        Decision before = before(haveComplete, forced, completeCreated, now);
        return before.full() ? before : after(deltaSize, completeSize, deltasSent);
    }

    /** Before computing a delta (that costs a pass over the image): is a complete image due whatever its size? */
    public Decision before(boolean haveComplete, boolean forced, Instant completeCreated, Instant now) {
        if (!haveComplete) {
            return new Decision(true, "no complete image yet");
        }
        if (forced) {
            return new Decision(true, "asked for a complete image (--full)");
        }
        if (maxAge != null) {
            Duration age = Duration.between(completeCreated, now);
            if (age.compareTo(maxAge) > 0) {
                return new Decision(true, "the complete image is " + shortly(age) + " old, older than offsite.image.full-max-age "
                        + shortly(maxAge));
            }
        }
        return new Decision(false, "a delta against the complete image");
    }

    /** With the delta in hand: is it too big to be worth sending? */
    public Decision after(long deltaSize, long completeSize, int deltasSent) {
        if (deltaSize < 0 || completeSize < 0 || deltasSent < 0) {
            throw new IllegalArgumentException("delta size " + deltaSize + ", complete size " + completeSize + " and deltas sent "
                    + deltasSent + " must not be negative");
        }
        double bound = deltasSent == 0 ? completeSize * Math.min(factor, 1) : completeSize * factor / deltasSent;
        String formula = deltasSent == 0 ? String.format(Locale.ROOT, "complete %,d x min(%s, 1) (first delta)", completeSize, plain(factor))
                : String.format(Locale.ROOT, "complete %,d x %s / %d deltas sent", completeSize, plain(factor), deltasSent);
        boolean full = deltaSize > bound;
        return new Decision(full, String.format(Locale.ROOT, "delta %,d bytes %s %s = %,.0f%s", deltaSize, full ? ">" : "<=", formula, bound,
                full ? ": a new complete image costs less" : ""));
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** 7d, 36h, 90m or 45s: the largest whole unit. */
    private static String shortly(Duration d) {
        long s = d.toSeconds();
        return s % 86400 == 0 ? s / 86400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
