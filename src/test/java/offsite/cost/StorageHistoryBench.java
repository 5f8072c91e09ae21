package offsite.cost;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import offsite.activity.ActivityLog;
import offsite.notify.LastDeliveries;
import offsite.report.ReportStore;
import offsite.retention.RetentionPolicy;
import offsite.store.Fallbacks;
import offsite.web.StatusPage;

/**
 * Times what the storage history costs a look at the status page, for docs/benchmarks.md (not a test): a synthetic history
 * of YEARS years with SAMPLES a day is written to WORK_DIR/data, then the median of VIEWS looks is taken, the history's read
 * alone and the whole page with nothing else in the data directory (one process, warm), before and after one more sample
 * is recorded (which rewrites the file where it is kept small).
 * Usage: StorageHistoryBench WORK_DIR YEARS SAMPLES VIEWS
 * (mvn -q test-compile; java -cp "target/test-classes:target/classes:target/lib/*" offsite.cost.StorageHistoryBench ...)
 */
public final class StorageHistoryBench {

    private StorageHistoryBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: StorageHistoryBench WORK_DIR YEARS SAMPLES VIEWS");
            System.exit(2);
        }
        Path data = Files.createDirectories(Path.of(args[0]).resolve("data"));
        int years = Integer.parseInt(args[1]);
        int samples = Integer.parseInt(args[2]);
        int views = Integer.parseInt(args[3]);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path file = data.resolve("storage-history.txt");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (LocalDate day = today.minusYears(years); day.isBefore(today); day = day.plusDays(1)) {
                for (int i = 0; i < samples; i++) {
                    out.write(day + " " + (day.toEpochDay() * 1_000_000L + i) + "\n");
                }
            }
        }
        StorageHistory history = new StorageHistory(file);
        StatusPage page = new StatusPage(new StatusPage.Layout("bucket", "sets/", "trash/", "images/", "0 30 23 ? * MON-SAT",
                "0 0 * * * ?", false, "host", null, "0 0 3 1 * ?"), new ReportStore(data.resolve("reports")), new ActivityLog(data.resolve("activity"), 1 << 20),
                new InventoryState(data.resolve("inventory.json")), history, () -> null, () -> null, new Prices(0.023, 0.005, 0.0004, 0, 0.09),
                new RetentionPolicy(24, 7, 4, 12), new Fallbacks(), new LastDeliveries(data.resolve("notifications.json")), null, () -> null,
                Clock.systemUTC());
        report("as written", file, history, page, views);
        history.record(today, today.toEpochDay() * 1_000_000L);
        report("after one more sample", file, history, page, views);
    }

    private static void report(String when, Path file, StorageHistory history, StatusPage page, int views) throws IOException {
        long lines;
        try (var all = Files.lines(file)) {
            lines = all.count();
        }
        long first = System.nanoTime();
        history.read();
        double firstMs = (System.nanoTime() - first) / 1e6;
        for (int i = 0; i < 20; i++) { // warm-up
            history.read();
            page.html(null, null, null, null, null);
        }
        double[] read = new double[views];
        double[] html = new double[views];
        for (int i = 0; i < views; i++) {
            long t = System.nanoTime();
            history.read();
            read[i] = (System.nanoTime() - t) / 1e6;
            t = System.nanoTime();
            page.html(null, null, null, null, null);
            html[i] = (System.nanoTime() - t) / 1e6;
        }
        System.out.printf("%-22s %9d bytes %7d lines  first read %8.3f ms  read per look %8.3f ms  page per look %8.3f ms%n", when,
                Files.size(file), lines, firstMs, median(read), median(html));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
