package offsite.activity;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/** What a stretch of the activity log adds up to: requests, objects and parts sent, bytes each way, failures. */
public record Totals(long requests, long uploads, long bytesSent, long bytesReceived, long failures) {

    public static final Totals NONE = new Totals(0, 0, 0, 0, 0);

    /** The requests that match, summed; a 404 answers a probe (does the bucket or state object exist?), not a failure. */
    public static Totals of(List<Activity> log, Predicate<Activity> which) {
        long requests = 0;
        long uploads = 0;
        long sent = 0;
        long received = 0;
        long failures = 0;
        for (Activity a : log) {
            if (!which.test(a)) {
                continue;
            }
            requests++;
            boolean ok = a.outcome().startsWith("2");
            if (ok && (a.operation().equals("PutObject") || a.operation().equals("UploadPart"))) {
                uploads++;
            }
            if (!ok && !a.outcome().equals("404")) {
                failures++;
            }
            sent += a.bytesSent();
            received += a.bytesReceived();
        }
        return new Totals(requests, uploads, sent, received, failures);
    }

    /** Requests from start to end inclusive, of one pipeline (null: every pipeline). */
    public static Predicate<Activity> between(Instant start, Instant end, String pipeline) {
        return a -> !a.time().isBefore(start) && !a.time().isAfter(end) && (pipeline == null || a.pipeline().equals(pipeline));
    }
}
