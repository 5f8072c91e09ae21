package offsite.sync;

import java.net.URI;
import offsite.store.S3ClientFactory;
import offsite.store.UnansweredRequests;

/**
 * Whether the S3 server has stopped answering, not blinked (UnansweredRequests past what a pass keeps in flight, or
 * silent for S3ClientFactory.SILENCE), and why in words. Once it has, every later request of the pass would wait out
 * all its attempts (ten minutes against a hung server) and fail the same way.
 */
public final class StoppedStore {

    private final UnansweredRequests unanswered;
    private final int inFlight;
    private final int maxAttempts;
    private final URI endpoint;

    /**
     * inFlight: the requests kept in flight at once (a pass's streams x part-streams, one more for an image backup beside it);
     * maxAttempts: offsite.s3.max-attempts;
     * endpoint: offsite.s3.endpoint (never holds a login: refused at start), named for the user to check.
     */
    public StoppedStore(UnansweredRequests unanswered, int inFlight, int maxAttempts, URI endpoint) {
        this.unanswered = unanswered;
        this.inFlight = inFlight;
        this.maxAttempts = maxAttempts;
        this.endpoint = endpoint;
    }

    /** Why the server is taken as stopped, or null while it answers. */
    public String reason() {
        if (!unanswered.stopped(inFlight, S3ClientFactory.SILENCE)) {
            return null;
        }
        return "the S3 server stopped answering: " + unanswered.inARow() + " request(s) in a row got no answer on any of their"
                + " offsite.s3.max-attempts=" + maxAttempts + " attempts (the last: " + unanswered.last() + "); check that the service at"
                + " offsite.s3.endpoint " + (endpoint == null ? "(empty: the embedded S3Proxy)" : endpoint) + " is up and reachable from here";
    }
}
