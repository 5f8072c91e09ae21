package offsite.notify;

import java.time.Instant;

/** Where a notification's end goes besides the log: the data directory's record, the metrics. */
public interface DeliveryOutcomes {

    /** channel: mail, webhook or heartbeat. */
    void sent(String channel, Instant at);

    /** After the last attempt; reason holds no URL path, password or header value. */
    void givenUp(String channel, Instant at, String what, String reason, int attempts);
}
