package offsite.notify;

import java.time.Instant;

/** Where a notification's end goes besides the log: the data directory's record, the metrics. */
public interface DeliveryOutcomes {

    /** channel: mail, webhook or heartbeat. */
    void sent(String channel, Instant at);

    /** After the last attempt; reason holds no URL path, password or header value. */
    void givenUp(String channel, Instant at, String what, String reason, int attempts);

    /** The notice sent: a record that keeps notices (LastDeliveries) learns which; the rest need only its channel. */
    default void sent(Notice notice, Instant at) {
        sent(notice.channel(), at);
    }

    /** The notice given up, as givenUp above; a record that keeps notices keeps it to send again later. */
    default void givenUp(Notice notice, Instant at, String reason, int attempts) {
        givenUp(notice.channel(), at, notice.describe(), reason, attempts);
    }
}
