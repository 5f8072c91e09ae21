package offsite.cost;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import offsite.activity.Activity;

/**
 * The month's cost so far and projected to its end, from the bytes stored now and this month's activity:
 * storage prorated by the days elapsed, PUT/COPY/POST/LIST and GET/HEAD requests, bytes sent and received.
 */
public record MonthlyCost(String month, double storage, double requests, double transfer, double monthToDate, double projected) {

    private static final Set<String> PUT_CLASS = Set.of("PutObject", "CopyObject", "CreateMultipartUpload", "UploadPart",
            "CompleteMultipartUpload", "ListObjects", "ListObjectsV2", "ListMultipartUploads", "ListParts", "CreateBucket");
    private static final double GB = 1e9;

    public static MonthlyCost of(long storedBytes, List<Activity> activities, Prices prices, Instant now) {
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        double elapsed = Math.max(1.0 / 24, (now.getEpochSecond() - month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond()) / 86400.0);
        int days = month.lengthOfMonth();
        long puts = 0;
        long gets = 0;
        long in = 0;
        long out = 0;
        // the month as epoch seconds: comparing them, not a date per activity, keeps a 100,000-request month cheap to price
        long from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        for (Activity a : activities) {
            long at = a.time().getEpochSecond();
            if (at < from || at >= to) {
                continue;
            }
            if (PUT_CLASS.contains(a.operation())) {
                puts++;
            } else if (!a.operation().startsWith("Delete") && !a.operation().startsWith("Abort")) {
                gets++; // GET, HEAD and the rest are billed as GET-class; deletes are free
            }
            in += a.bytesSent();
            out += a.bytesReceived();
        }
        double storageMonth = storedBytes / GB * prices.storageGbMonth();
        double storage = storageMonth * elapsed / days;
        double requests = puts / 1000.0 * prices.putPer1000() + gets / 1000.0 * prices.getPer1000();
        double transfer = in / GB * prices.transferInGb() + out / GB * prices.transferOutGb();
        double projected = storageMonth + (requests + transfer) * days / elapsed;
        return new MonthlyCost(month.toString(), storage, requests, transfer, storage + requests + transfer, projected);
    }
}
