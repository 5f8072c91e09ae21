package offsite.notify;

import java.time.Instant;

/** One message to send: a mail, a webhook POST or a heartbeat ping. */
public interface Notice {

    /** What it is and where it goes, safe for a log: no password, header value or URL path. */
    String describe();

    /** Which way it goes: mail, webhook or heartbeat (the metrics' and the status page's name). */
    String channel();

    /** When an earlier attempt of this same notice was given up (a late copy, sent again), or null for a fresh one. */
    default Instant late() {
        return null;
    }
}
