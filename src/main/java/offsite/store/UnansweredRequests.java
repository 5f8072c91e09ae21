package offsite.store;

import java.time.Duration;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The S3 requests in a row, each past all its attempts, that the service answered nothing to (no connection, or no
 * byte of an answer), why the last one failed, and when the service was last heard from: an answer, or bytes of a
 * request body taken (an upload minutes long is no silence); any answer, an error answer too, starts the count again. A pass asks it before each upload: a store that stopped answering would make every
 * later upload wait out its attempts.
 */
public final class UnansweredRequests implements ExecutionInterceptor {

    private final LongSupplier nanos;
    private int inARow;
    private String last;
    private volatile long answeredNanos;

    public UnansweredRequests() {
        this(System::nanoTime);
    }

    /** nanos: a monotonic source (System::nanoTime; a test's own). */
    public UnansweredRequests(LongSupplier nanos) {
        this.nanos = nanos;
        this.answeredNanos = nanos.getAsLong();
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        answered();
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String why = S3Errors.unanswered(context.exception());
        if (why == null) {
            answered();
        } else {
            unanswered(why);
        }
    }

    synchronized void answered() {
        inARow = 0;
        answeredNanos = nanos.getAsLong();
    }

    /** Bytes of a request body were taken: the service is there, though no answer has come yet. */
    public void heard() {
        answeredNanos = nanos.getAsLong();
    }

    synchronized void unanswered(String why) {
        inARow++;
        last = why;
    }

    /**
     * Whether the store has stopped answering, not blinked: more requests in a row went unanswered than are ever in
     * flight at once (those a short outage fails together), or one did and nothing at all was heard for this long.
     */
    public synchronized boolean stopped(int inFlight, Duration silence) {
        return inARow > inFlight || inARow > 0 && nanos.getAsLong() - answeredNanos >= silence.toNanos();
    }

    /** Requests in a row that got no answer. */
    public synchronized int inARow() {
        return inARow;
    }

    /** Why the last of them got none; null when the last request was answered. */
    public synchronized String last() {
        return inARow == 0 ? null : last;
    }
}
