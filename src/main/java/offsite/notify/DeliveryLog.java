package offsite.notify;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log lines of the notifications: each failed attempt, then sent or given up, with reasons whose secrets are removed;
 * the end of each also goes to the outcomes (DATA/notifications.json, the metrics).
 */
public final class DeliveryLog {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLog.class);

    private final Redaction redaction;
    private final List<DeliveryOutcomes> outcomes;
    private final Clock clock;
    /** offsite.notify.retries: a notification given up after fewer than 1 + retries attempts was cut short by a stop. */
    private final int retries;

    public DeliveryLog(Redaction redaction, List<DeliveryOutcomes> outcomes, Clock clock, int retries) {
        this.redaction = redaction;
        this.outcomes = List.copyOf(outcomes);
        this.clock = clock;
        this.retries = retries;
    }

    public void sent(Notice notice) {
        LOG.info("{} sent", notice.describe());
        tell(o -> o.sent(notice, clock.instant()));
    }

    /** Each attempt that fails, with its reason; the last one is followed by the given-up line. */
    public void attemptFailed(Notice notice, Throwable error) {
        LOG.warn("{} failed: {}", describe(notice), redaction.apply(reason(error)));
    }

    /** A receiver answered 429 or 503 with Retry-After: the wait it asked for, and the one taken (never above the longest). */
    public void retryAsked(Notice notice, Duration asked, Duration wait) {
        if (asked.equals(wait)) {
            LOG.info("{} retried in {}, as the receiver asked (Retry-After)", describe(notice), shown(wait));
        } else {
            LOG.info("{} retried in {}: the receiver asked for {} (Retry-After), longer than the longest retry delay", describe(notice),
                    shown(wait), shown(asked));
        }
    }

    /**
     * After the last attempt: attempts is how many were made (a stop gives up before the retries the setting allows); cut:
     * the last attempt failed while Offsite was stopping, its connection closed by the stop (null: not known, false).
     */
    public void givenUp(Notice notice, int attempts, Throwable error, Boolean cut) {
        boolean byStop = Boolean.TRUE.equals(cut);
        if (notice != null && (attempts <= retries || byStop)) { // Camel ends the retries early only when Offsite stops
            stopped(notice, attempts, error, byStop);
            return;
        }
        LOG.warn("{} given up after {}; the run's result stands", describe(notice), attempts(attempts));
        if (notice != null) {
            String reason = redaction.apply(reason(error));
            tell(o -> o.givenUp(notice, clock.instant(), reason, attempts));
        }
    }

    /**
     * A stop (SIGTERM) ended the notice: during an attempt (cut: its connection closed, the attempt counted) or while it
     * waited for its retry. It is given up after the attempts made and recorded as any other given up, with the last
     * attempt's reason (if any) after the stop's when that attempt failed on its own.
     */
    public void stopped(Notice notice, int attempts, Throwable lastFailure, boolean cut) {
        String stopped = cut ? "Offsite stopped during attempt " + attempts
                : attempts == 0 ? "Offsite stopped before the first attempt" : "Offsite stopped before retrying";
        LOG.warn("{} given up after {}: {}; the run's result stands", notice.describe(), attempts(attempts), stopped);
        String reason = cut || lastFailure == null ? stopped : stopped + "; the last attempt failed: " + redaction.apply(reason(lastFailure));
        tell(o -> o.givenUp(notice, clock.instant(), reason, attempts));
    }

    /** A stop (SIGTERM) came while notifications were waiting to be retried: they are given up without another attempt. */
    public void stopping() {
        LOG.warn("notifications not yet sent given up: Offsite is stopping; the run's result stands");
    }

    /** An outcome that cannot be kept (a full disk) is said, never thrown: it would make a sent mail be sent again. */
    private void tell(Consumer<DeliveryOutcomes> what) {
        for (DeliveryOutcomes o : outcomes) {
            try {
                what.accept(o);
            } catch (RuntimeException e) {
                LOG.warn("could not record a notification's outcome: {}", e.getMessage());
            }
        }
    }

    private static String shown(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String attempts(int attempts) {
        return attempts == 1 ? "1 attempt" : attempts + " attempts";
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
