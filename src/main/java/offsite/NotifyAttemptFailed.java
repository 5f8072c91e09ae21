package offsite;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import offsite.notify.DeliveryLog;
import offsite.notify.MailSockets;
import offsite.notify.Notice;
import offsite.notify.RetryDelays;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Each failed attempt of a notification (onExceptionOccurred of routes/notify.yaml): counts it in notifyAttempts (Camel's
 * own counter is gone when the given-up step runs), keeps its failure in notifyLastFailure (a stop during the wait
 * replaces the exchange's exception), marks in notifyCut whether Offsite was stopping then, logs it, and sets the wait before the next attempt in the header
 * CamelRedeliveryDelay, which Camel's redelivery takes instead of its own backoff (capped at 60 s): the doubling of
 * offsite.notify.retry-delay, or a webhook's or heartbeat's Retry-After within the longest of it.
 */
public final class NotifyAttemptFailed implements Processor {

    private final DeliveryLog log;
    private final RetryDelays delays;
    private final Clock clock;
    private final MailSockets mailSockets;

    public NotifyAttemptFailed(DeliveryLog log, RetryDelays delays, Clock clock, MailSockets mailSockets) {
        this.log = log;
        this.delays = delays;
        this.clock = clock;
        this.mailSockets = mailSockets;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempts = exchange.getProperty("notifyAttempts", 0, Integer.class) + 1;
        exchange.setProperty("notifyAttempts", attempts);
        exchange.setProperty("notifyLastFailure", failure);
        // a stop closes the connections of the attempts in flight (NotifyStop): one that fails now on its connection, not
        // on an answer (a 500 read just before the stop), was cut by it; so was a mail whose socket, made in this thread,
        // the stop closed (over TLS its read ends as a bare end of stream, no IOException)
        exchange.setProperty("notifyCut", exchange.getContext().isStopping()
                && (root(failure) instanceof IOException || mailSockets.cutHere()));
        Notice notice = exchange.getProperty("notice", Notice.class);
        log.attemptFailed(notice, failure);
        HttpOperationFailedException answer = httpAnswer(failure);
        Duration asked = answer == null ? null : RetryDelays.asked(answer.getStatusCode(), answer.getResponseHeaders(), clock.instant());
        Duration wait = delays.after(attempts, asked);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
        if (asked != null && attempts <= delays.retries()) {
            log.retryAsked(notice, asked, wait);
        }
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The receiver's answer that failed the attempt, or null when none came (a refused connection, a mail). */
    private static HttpOperationFailedException httpAnswer(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                return h;
            }
        }
        return null;
    }
}
