package offsite.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The time a run may transfer in. After max-duration no new upload starts; uploads in flight may go on until the
 * grace period ends, then stop between parts, leaving their multipart upload pending (invisible) to resume.
 * A guard may close it early. Durations are measured on the monotonic clock (System.nanoTime): a wall clock
 * that jumps (NTP step, a hand-set clock) or a DST change neither cuts a night short nor makes it run on.
 */
public final class TransferWindow {

    private final LongSupplier nanos;
    private final long openedNanos;
    private final long maxNanos;
    private final long graceNanos;
    private final Instant closesAt;
    private volatile String closedReason;
    private volatile long closedNanos;
    private volatile long graceAfterCloseNanos;
    private volatile String abandoned;

    public TransferWindow(Clock clock, Duration maxDuration, Duration grace) {
        this(clock, System::nanoTime, maxDuration, grace);
    }

    /** nanos: a monotonic source (System::nanoTime; a test's own); clock only dates the closing time in messages. */
    public TransferWindow(Clock clock, LongSupplier nanos, Duration maxDuration, Duration grace) {
        this.nanos = nanos;
        this.openedNanos = nanos.getAsLong();
        this.maxNanos = saturatedNanos(maxDuration);
        this.graceNanos = saturatedNanos(grace);
        this.closesAt = clock.instant().plus(maxDuration);
    }

    public boolean acceptsNewUploads() {
        return closedReason == null && elapsed() < maxNanos;
    }

    /** Whether an upload already started may send its next part. */
    public boolean mayContinue() {
        long elapsed = elapsed();
        if (elapsed >= maxNanos && elapsed - maxNanos >= graceNanos) {
            return false;
        }
        return closedReason == null || nanos.getAsLong() - closedNanos < graceAfterCloseNanos;
    }

    /**
     * Closes the window early, for a guard or a shutdown; uploads in flight keep the given grace. Returns whether this
     * call closed it (false: it was closed already, for its first reason).
     */
    public synchronized boolean close(String reason, Duration grace) {
        if (closedReason == null) {
            closedNanos = nanos.getAsLong();
            graceAfterCloseNanos = saturatedNanos(grace);
            closedReason = reason;
            return true;
        }
        return false;
    }

    /**
     * Closes the window at once for a stop (a shutdown): nothing new starts and the bodies in flight stop at their
     * next read, so their parts are abandoned instead of finished.
     */
    public void abandon(String reason) {
        close(reason, Duration.ZERO);
        abandoned = reason;
    }

    /** Why bodies in flight must stop now, or null. */
    public String abandoned() {
        return abandoned;
    }

    /** Why no new upload may start, or null while the window is open. */
    public String closedReason() {
        if (closedReason != null) {
            return closedReason;
        }
        return elapsed() < maxNanos ? null : "the transfer window closed at " + closesAt;
    }

    /** When the window closes by the wall clock as it read at opening (for messages; the monotonic clock decides). */
    public Instant closesAt() {
        return closesAt;
    }

    private long elapsed() {
        return nanos.getAsLong() - openedNanos;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // "no limit" settings: longer than any night
        }
    }
}
