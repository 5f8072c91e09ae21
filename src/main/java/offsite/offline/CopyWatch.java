package offsite.offline;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the copy under way is (what it does, how far) and when it last moved: a byte written to or read from the drive,
 * or a step begun. Written by the copy's thread, read by the schedule's look, which tells a copy that hangs (a drive that
 * stopped answering) from a slow one by how long it has not moved.
 */
final class CopyWatch {

    private volatile String doing = "starting";
    private volatile long movedNanos = System.nanoTime();
    private final AtomicLong moves = new AtomicLong();

    /** A step begins: what the copy does now, in the report's words ("copying NAME, file 3 of 40"). */
    void at(String doing) {
        this.doing = doing;
        moved();
    }

    /** Bytes moved within the step. */
    void moved() {
        moves.incrementAndGet();
        movedNanos = System.nanoTime();
    }

    /** How many times the copy has moved: the stall watch's count. */
    long moves() {
        return moves.get();
    }

    String doing() {
        return doing;
    }

    /** How long since the copy last moved. */
    Duration still() {
        return Duration.ofNanos(System.nanoTime() - movedNanos);
    }
}
