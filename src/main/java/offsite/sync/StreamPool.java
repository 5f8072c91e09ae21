package offsite.sync;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The upload (and restore) streams: N daemon threads, N tasks queued behind them, and a submitter beyond that waits
 * until a stream takes one. A split over 100,000 files so holds a few exchanges at a time instead of all of them.
 */
public final class StreamPool extends ThreadPoolExecutor {

    public StreamPool(int threads, String name) {
        super(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(threads), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }, StreamPool::waitForRoom);
    }

    /** Waits for room in the queue; a pool shut down meanwhile refuses the task, as any shut-down pool does. */
    private static void waitForRoom(Runnable task, ThreadPoolExecutor pool) {
        try {
            while (!pool.isShutdown()) {
                if (pool.getQueue().offer(task, 100, TimeUnit.MILLISECONDS)) {
                    if (pool.isShutdown() && pool.getQueue().remove(task)) {
                        break; // queued as the pool shut down: no stream will ever take it
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a free stream", e);
        }
        throw new RejectedExecutionException("the streams are shut down");
    }
}
