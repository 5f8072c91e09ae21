package offsite.cost;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import offsite.activity.Activity;

/**
 * The month's cost so far and projected to its end, from the bytes stored now and this month's activity:
 * storage prorated by the days elapsed, PUT/COPY/POST/LIST and GET/HEAD requests, bytes sent and received.
 */
public record MonthlyCost(String month, double storage, double requests, double transfer, double monthToDate, double projected) {

    private static final Set<String> PUT_CLASS = Set.of("PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart",
            "CompleteMultipartUpload", "ListObjects", "ListObjectsV2", "ListMultipartUploads", "ListParts", "CreateBucket");
    private static final double GB = 1e9;

    /** A month's requests as billed: PUT-class and GET-class (deletes are free), bytes sent and received. */
    public record Traffic(long puts, long gets, long bytesSent, long bytesReceived) {

        public static final Traffic NONE = new Traffic(0, 0, 0, 0);

        /** The activities of month among these. */
        public static Traffic of(Iterable<Activity> activities, YearMonth month) {
            Counter counter = new Counter(month);
            activities.forEach(counter);
            return counter.traffic();
        }
    }

    /** Adds up the activities of one month it is given, in any number, holding none of them. */
    public static final class Counter implements Consumer<Activity> {
        // the month as epoch seconds: comparing them, not a date per activity, keeps a 100,000-request month cheap to price
        private final long from;
        private final long to;
        private long puts;
        private long gets;
        private long sent;
        private long received;

        public Counter(YearMonth month) {
            from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        }

        @Override
        public void accept(Activity a) {
            long at = a.time().getEpochSecond();
            if (at < from || at >= to) {
                return;
            }
            if (PUT_CLASS.contains(a.operation())) {
                puts++;
            } else if (!a.operation().startsWith("Delete") && !a.operation().startsWith("Abort")) {
                gets++; // GET, HEAD and the rest are billed as GET-class; deletes are free
            }
            sent += a.bytesSent();
            received += a.bytesReceived();
        }

        public Traffic traffic() {
            return new Traffic(puts, gets, sent, received);
        }
    }

    public static MonthlyCost of(long storedBytes, List<Activity> activities, Prices prices, Instant now) {
        return of(storedBytes, Traffic.of(activities, YearMonth.from(now.atZone(ZoneOffset.UTC))), prices, now);
    }

    /** The cost of now's month: storage of storedBytes prorated to now, and the month's traffic so far. */
    public static MonthlyCost of(long storedBytes, Traffic traffic, Prices prices, Instant now) {
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        double elapsed = Math.max(1.0 / 24, (now.getEpochSecond() - month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond()) / 86400.0);
        int days = month.lengthOfMonth();
        double storageMonth = storedBytes / GB * prices.storageGbMonth();
        double storage = storageMonth * elapsed / days;
        double requests = traffic.puts() / 1000.0 * prices.putPer1000() + traffic.gets() / 1000.0 * prices.getPer1000();
        double transfer = traffic.bytesSent() / GB * prices.transferInGb() + traffic.bytesReceived() / GB * prices.transferOutGb();
        double projected = storageMonth + (requests + transfer) * days / elapsed;
        return new MonthlyCost(month.toString(), storage, requests, transfer, storage + requests + transfer, projected);
    }
}
