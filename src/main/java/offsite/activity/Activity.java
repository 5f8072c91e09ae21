package offsite.activity;

import java.time.Instant;

/** One S3 request: when, for which pipeline, what on which key, bytes each way, how long, and its outcome (HTTP status or error). */
public record Activity(Instant time, String pipeline, String operation, String key, long bytesSent, long bytesReceived,
        long millis, String outcome) {
}
