package offsite;

import java.util.concurrent.RejectedExecutionException;
import offsite.notify.DeliveryLog;
import offsite.notify.Notice;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The splits of routes/notify.yaml: each hands back the report it split, as a split does by default, and passes a
 * notification's failure on to the notify route. A notification whose retry a stop (SIGTERM) cancelled ends with Camel's
 * RejectedExecutionException and never reaches the given-up step: it is recorded here as given up, with the attempts it
 * made (the properties notice, notifyAttempts, notifyLastFailure and notifyCut of its exchange), so the page shows it was not sent.
 */
public final class NotifyOutcomes implements AggregationStrategy {

    private final DeliveryLog log;

    public NotifyOutcomes(DeliveryLog log) {
        this.log = log;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        throw new UnsupportedOperationException("NotifyOutcomes needs the split's input exchange");
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
        Exception failure = newExchange.getException();
        Notice notice = newExchange.getProperty("notice", Notice.class);
        if (failure instanceof RejectedExecutionException && notice != null) {
            log.stopped(notice, newExchange.getProperty("notifyAttempts", 0, Integer.class),
                    newExchange.getProperty("notifyLastFailure", Throwable.class), newExchange.getProperty("notifyCut", false, Boolean.class));
        }
        if (failure != null) {
            inputExchange.setException(failure); // the notify route says the stop once
        }
        return inputExchange;
    }
}
