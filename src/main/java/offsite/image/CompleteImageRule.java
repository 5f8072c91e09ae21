package offsite.image;

import java.time.Duration;
import java.time.Instant;

/**
 * When to send a new complete image instead of a delta against the current one: when there is none, when asked
 * (`image --full`), when the complete image is older than maxAge, or when
 * current_delta_size > complete_size * factor / deltas_sent. Each delta holds everything since the complete
 * image, so that bound keeps the bytes sent per cycle near their minimum. With no delta sent yet the bound is
 * complete_size * factor.
 */
public record CompleteImageRule(double factor, Duration maxAge) {

    public CompleteImageRule {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("offsite.image.full-factor: " + factor + " is not valid (expected a number above 0, default 2)");
        }
    }

    /** The verdict and its reason in one line. */
    public record Decision(boolean full, String reason) {
    }

    /** Before computing a delta: is a complete image due regardless of its size? */
    public Decision before(boolean haveComplete, boolean forced, Instant completeCreated, Instant now) {
        if (!haveComplete) {
            return new Decision(true, "no complete image yet");
        }
        if (forced) {
            return new Decision(true, "asked for a complete image (--full)");
        }
        if (maxAge != null && completeCreated.plus(maxAge).isBefore(now)) {
            return new Decision(true, "the complete image is older than offsite.image.full-max-age (" + maxAge + ")");
        }
        return new Decision(false, "a delta against the complete image");
    }

    /** With the delta in hand: is it too big to be worth sending? */
    public Decision after(long deltaSize, long completeSize, int deltasSent) {
        double bound = completeSize * factor / Math.max(1, deltasSent);
        if (deltaSize > bound) {
            return new Decision(true, String.format(java.util.Locale.ROOT,
                    "delta %d bytes > complete %d x %.2f / %d deltas sent: a new complete image costs less", deltaSize, completeSize,
                    factor, Math.max(1, deltasSent)));
        }
        return new Decision(false, String.format(java.util.Locale.ROOT, "delta %d bytes <= bound %.0f", deltaSize, bound));
    }
}
