package offsite.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The time a run may transfer in. After closesAt no new upload starts; uploads in flight may go on until the
 * grace period ends, then stop between parts, leaving their multipart upload pending (invisible) to resume.
 * A guard may close it early.
 */
public final class TransferWindow {

    private final Clock clock;
    private final Instant closesAt;
    private final Instant cutAt;
    private volatile String closedReason;

    public TransferWindow(Clock clock, Duration maxDuration, Duration grace) {
        this.clock = clock;
        Instant now = clock.instant();
        this.closesAt = now.plus(maxDuration);
        this.cutAt = closesAt.plus(grace);
    }

    public boolean acceptsNewUploads() {
        return closedReason == null && clock.instant().isBefore(closesAt);
    }

    /** Whether an upload already started may send its next part. */
    public boolean mayContinue() {
        Instant now = clock.instant();
        Instant cut = closedReason == null ? cutAt : min(cutAt, closedAt.plus(graceAfterClose));
        return now.isBefore(cut);
    }

    private volatile Instant closedAt = Instant.MAX;
    private volatile Duration graceAfterClose = Duration.ZERO;

    /** Closes the window early, for a guard or a shutdown; uploads in flight keep the given grace. */
    public synchronized void close(String reason, Duration grace) {
        if (closedReason == null) {
            closedReason = reason;
            closedAt = clock.instant();
            graceAfterClose = grace;
        }
    }

    /** Why no new upload may start, or null while the window is open. */
    public String closedReason() {
        if (closedReason != null) {
            return closedReason;
        }
        return clock.instant().isBefore(closesAt) ? null : "the transfer window closed at " + closesAt;
    }

    public Instant closesAt() {
        return closesAt;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
