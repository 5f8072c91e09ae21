package offsite;

import offsite.report.RunStatus;
import offsite.store.StoreException;
import offsite.sync.Pass;
import offsite.sync.TrashMove;
import offsite.sync.UploadOutcome;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers what the split and multicast steps of routes/sync.yaml return into the pass they came from: each upload's
 * outcome, each object moved to the trash, the failure of a step run side by side. A step that threw (a user's added
 * step, a failed move) is recorded as that item's failure and cleared, so one item never fails the split; a scan or
 * listing that threw stops the pass FAILED. Afterwards the body is the pass again.
 */
public final class PassOutcomes implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        throw new UnsupportedOperationException("PassOutcomes needs the split's input exchange");
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
        Pass pass = inputExchange.getMessage().getBody(Pass.class);
        Object body = newExchange.getMessage().getBody();
        Exception failure = newExchange.getException();
        if (body instanceof UploadOutcome outcome && failure == null) {
            pass.record(outcome);
        } else if (body instanceof TrashMove move && failure == null) {
            pass.trashed(move);
        } else if (body instanceof Pass.UploadTask task) {
            // not admitted by the window filter (or a step failed): it waits for the next window
            if (failure != null) {
                pass.record(UploadOutcome.failed(task.file().key(), task.file().size(), 0, describe(failure)));
            }
        } else if (body instanceof Pass.TrashTask task) {
            pass.error(task.move().key(), "not moved to the trash, left in place: " + describe(failure));
        } else if (failure != null) {
            pass.error("pass", describe(failure)); // a step of a multicast (the scan, the listing) that threw
            pass.stop(RunStatus.FAILED, describe(failure));
        }
        newExchange.setException(null);
        newExchange.getMessage().setBody(pass);
        return newExchange;
    }

    /**
     * A failure in a line: a bucket's (StoreException: the operation, the key and S3Errors' words, which name the setting
     * to check) as it says itself, never the SDK's own words beneath it; anything else by its root cause.
     */
    private static String describe(Exception e) {
        if (e == null) {
            return "the step left no result";
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException s) {
                return s.getMessage().lines().findFirst().orElse("");
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage().lines().findFirst().orElse("");
    }
}
