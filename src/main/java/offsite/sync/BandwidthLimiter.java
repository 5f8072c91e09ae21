package offsite.sync;

import java.time.Clock;
import java.time.LocalTime;

/**
 * One byte budget shared by every stream: each read reserves its bytes on a single timeline at the rate in
 * force, and waits until its slot. Up to one second of unused budget may be spent at once.
 */
public final class BandwidthLimiter {

    private final BandwidthSchedule schedule;
    private final Clock clock;
    private long nextFreeNanos = System.nanoTime();
    /** The rate in force, looked up at most once a second: a body is read 4 KiB at a time, and every read asks. */
    private volatile long rate;
    private volatile long rateCheckedNanos = System.nanoTime() - 2_000_000_000L;

    public BandwidthLimiter(BandwidthSchedule schedule, Clock clock) {
        this.schedule = schedule;
        this.clock = clock;
    }

    public long currentRate() {
        return schedule.rateAt(LocalTime.now(clock));
    }

    private long rateNow() {
        long now = System.nanoTime();
        if (now - rateCheckedNanos > 1_000_000_000L) {
            rate = currentRate();
            rateCheckedNanos = now;
        }
        return rate;
    }

    /** Blocks until the given number of bytes may be sent. */
    public void acquire(int bytes) throws InterruptedException {
        long rate = rateNow();
        if (rate <= 0 || bytes <= 0) {
            return;
        }
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(nextFreeNanos, now - 1_000_000_000L);
            nextFreeNanos = start + bytes * 1_000_000_000L / rate;
            waitNanos = nextFreeNanos - now;
        }
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
