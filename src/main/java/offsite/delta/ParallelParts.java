package offsite.delta;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs the parts of a computation on the calling thread plus idle common-pool threads. The caller takes parts
 * too, so a busy pool slows nothing down: the caller then only waits for parts already started elsewhere.
 */
final class ParallelParts {

    /** Threads worth using: the caller and up to three helpers. */
    static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final int parts;
    private final IntConsumer part;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private volatile Throwable failure;

    private ParallelParts(int parts, IntConsumer part) {
        this.parts = parts;
        this.part = part;
    }

    /** Calls {@code part.accept(i)} once for each i in [0, parts), possibly concurrently, and returns when all are done. */
    static void run(int parts, IntConsumer part) {
        if (THREADS == 1 || parts == 1) {
            for (int i = 0; i < parts; i++) {
                part.accept(i);
            }
            return;
        }
        new ParallelParts(parts, part).run();
    }

    private void run() {
        for (int helper = 1; helper < Math.min(THREADS, parts); helper++) {
            ForkJoinPool.commonPool().execute(this::work);
        }
        work();
        synchronized (this) {
            while (done.get() < parts) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for checksum threads", e);
                }
            }
        }
        if (failure != null) {
            throw new IllegalStateException("checksum thread failed", failure);
        }
    }

    private void work() {
        for (int i; (i = next.getAndIncrement()) < parts; ) {
            try {
                part.accept(i);
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                if (done.incrementAndGet() == parts) {
                    synchronized (this) {
                        notifyAll();
                    }
                }
            }
        }
    }
}
