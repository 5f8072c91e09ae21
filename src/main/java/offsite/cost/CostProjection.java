package offsite.cost;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import offsite.image.CompleteImageRule;
import offsite.retention.Backup;
import offsite.retention.RetentionPolicy;

/**
 * What hourly images would cost before turning them on: the real full/delta rule and retention run over
 * simulated time, the delta against the complete image growing linearly, and the bytes stored and sent priced.
 * Each backup costs two PUTs (its object and its manifest) and one LIST (retention); deletions are free.
 */
public final class CostProjection {

    /** The answer, with field names that read plainly as JSON. */
    public record Result(long fullSizeBytes, long growthBytesPerHour, String interval, String keep, int months, int deltasPerCycle,
            double cycleHours, int completeImagesHeld, long maxStorageBytes, long averageUploadBytesPerInterval,
            long peakUploadBytesPerInterval, long maxUploadBytesPerMonth, double yearlyStorageCost, double yearlyRequestCost,
            double yearlyTransferCost, double yearlyTotalCost, List<String> assumptions) {
    }

    private CostProjection() {
    }

    /** Throws ArithmeticException when a sum of bytes would pass a long's 8 EiB, rather than report it wrapped round to below zero. */
    public static Result run(long fullSize, double growthPerHour, Duration interval, RetentionPolicy keep, CompleteImageRule rule,
            int months, Prices prices) {
        Instant start = Instant.parse("2026-01-05T00:00:00Z"); // a Monday: weeks and months start cleanly
        Instant end = start.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
        List<Backup> stored = new ArrayList<>();
        Map<String, Long> sizes = new HashMap<>();
        Instant complete = null;
        int deltasSent = 0;
        List<Instant> completes = new ArrayList<>();
        List<Integer> deltasBetween = new ArrayList<>();
        long steps = 0;
        long uploaded = 0;
        long peak = 0;
        long maxStorage = 0;
        int maxComplete = 0;
        double storageByteMonths = 0;
        Map<String, Long> perMonth = new HashMap<>();
        double intervalMonths = interval.toSeconds() / (30.4375 * 86400);
        for (Instant t = start; t.isBefore(end); t = t.plus(interval)) {
            boolean full = rule.before(complete != null, false, complete == null ? t : complete, t).full();
            long size = fullSize;
            if (!full) {
                size = (long) (growthPerHour * Duration.between(complete, t).toSeconds() / 3600.0);
                full = rule.after(size, fullSize, deltasSent).full();
                size = full ? fullSize : size;
            }
            String id = t.toString();
            if (full) {
                if (complete != null) {
                    deltasBetween.add(deltasSent);
                }
                complete = t;
                completes.add(t);
                deltasSent = 0;
                stored.add(new Backup(id, t, true, null));
            } else {
                deltasSent++;
                stored.add(new Backup(id, t, false, complete.toString()));
            }
            sizes.put(id, size);
            stored.removeAll(keep.apply(stored, ZoneOffset.UTC).deleted());
            long storage = stored.stream().mapToLong(b -> sizes.get(b.id())).reduce(0, Math::addExact);
            maxStorage = Math.max(maxStorage, storage);
            maxComplete = Math.max(maxComplete, (int) stored.stream().filter(Backup::full).count());
            storageByteMonths += storage * intervalMonths;
            uploaded = Math.addExact(uploaded, size);
            peak = Math.max(peak, size);
            perMonth.merge(t.atZone(ZoneOffset.UTC).getYear() + "-" + t.atZone(ZoneOffset.UTC).getMonthValue(), size, Math::addExact);
            steps++;
        }
        double years = months / 12.0;
        int deltasPerCycle = deltasBetween.isEmpty() ? deltasSent : deltasBetween.get(0);
        double cycleHours = completes.size() < 2 ? Duration.between(start, end).toHours()
                : Duration.between(completes.get(0), completes.get(1)).toSeconds() / 3600.0;
        double storageCost = storageByteMonths / 1e9 * prices.storageGbMonth() / years;
        double requestCost = steps * 3 / 1000.0 * prices.putPer1000() / years;
        double transferCost = uploaded / 1e9 * prices.transferInGb() / years;
        List<String> assumptions = List.of(
                "complete image " + fullSize + " bytes; the delta against it grows by " + (long) growthPerHour + " bytes an hour",
                "a backup every " + interval + ", for " + months + " month(s) of simulated time",
                "new complete image when delta > complete x " + rule.factor() + " / deltas sent" + (rule.maxAge() == null ? "" : ", or older than " + rule.maxAge()),
                "retention " + keep + " (restic forget semantics; bases of kept diffs kept)",
                "sizes after compression as given; secret archives left out",
                "per backup: 2 PUT-class requests (object, manifest) and 1 LIST; deletions free; no GETs (no restores)",
                String.format(Locale.ROOT, "prices: %.4f USD/GB-month, %.4f USD per 1,000 PUT/LIST, %.4f USD/GB in",
                        prices.storageGbMonth(), prices.putPer1000(), prices.transferInGb()));
        return new Result(fullSize, (long) growthPerHour, interval.toString(), keep.toString(), months, deltasPerCycle, cycleHours, maxComplete,
                maxStorage, uploaded / Math.max(1, steps), peak, perMonth.values().stream().mapToLong(Long::longValue).max().orElse(0),
                storageCost, requestCost, transferCost, storageCost + requestCost + transferCost, assumptions);
    }
}
