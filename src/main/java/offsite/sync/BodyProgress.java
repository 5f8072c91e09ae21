package offsite.sync;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The progress of one request body over all its attempts: each byte counts once, when the first attempt reads it; a
 * retry reading the body again from its start adds nothing until it passes the farthest point reached before, so the
 * progress line never shows more bytes done than there are.
 */
final class BodyProgress {

    private final AtomicLong reached = new AtomicLong();
    private final LongConsumer progress;

    /** progress: told of each byte the first time any attempt reads it. */
    BodyProgress(LongConsumer progress) {
        this.progress = progress;
    }

    /** A fresh counter for one attempt, which reads the body from its start. */
    LongConsumer attempt() {
        AtomicLong position = new AtomicLong();
        return n -> {
            long at = position.addAndGet(n);
            long before = reached.getAndAccumulate(at, Math::max);
            if (at > before) {
                progress.accept(at - before);
            }
        };
    }
}
