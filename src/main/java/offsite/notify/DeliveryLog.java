package offsite.notify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Log lines of the notifications: each failed attempt, then sent or given up, with reasons whose secrets are removed. */
public final class DeliveryLog {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

    private final Redaction redaction;
    private final int retries;

    /** retries: how many times a failed send is tried again (offsite.notify.retries) before it is given up. */
    public DeliveryLog(Redaction redaction, int retries) {
        this.redaction = redaction;
        this.retries = retries;
    }

    public void sent(Notice notice) {
        LOG.info("{} sent", notice.describe());
    }

    /** Each attempt that fails, with its reason; the last one is followed by the given-up line. */
    public void attemptFailed(Notice notice, Throwable error) {
        LOG.warn("{} failed: {}", describe(notice), redaction.apply(reason(error)));
    }

    /** After the last attempt (Camel's redelivery counter is gone by then, so the count is the setting's). */
    public void givenUp(Notice notice) {
        int attempts = 1 + retries;
        LOG.warn("{} given up after {}; the run's result stands", describe(notice), attempts == 1 ? "1 attempt" : attempts + " attempts");
    }

    /** A stop (SIGTERM) came while notifications were waiting to be retried: they are given up without another attempt. */
    public void stopping() {
        LOG.warn("notifications not yet sent given up: Offsite is stopping; the run's result stands");
    }

    private static String describe(Notice notice) {
        return notice == null ? "notifications" : notice.describe();
    }

    /** The failure's own message, and its root cause's when that says more (a refused connection under a mail error). */
    static String reason(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        String bottom = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == error || top.contains(bottom) ? top : top + " (" + bottom + ")";
    }
}
