package offsite.store;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The S3 requests in a row, each past all its attempts, that the service answered nothing to (no connection, or no
 * byte of an answer), and why the last one failed; any answer, an error answer too, starts the count again. A pass
 * asks it before each upload: a store that stopped answering would make every later upload wait out its attempts.
 */
public final class UnansweredRequests implements ExecutionInterceptor {

    private int inARow;
    private String last;

    @Override
    public synchronized void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        inARow = 0;
    }

    @Override
    public synchronized void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String why = S3Errors.unanswered(context.exception());
        if (why == null) {
            inARow = 0;
        } else {
            inARow++;
            last = why;
        }
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
