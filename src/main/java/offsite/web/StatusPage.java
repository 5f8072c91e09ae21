package offsite.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.activity.Totals;
import offsite.cost.InventoryState;
import offsite.cost.ClosedMonths;
import offsite.cost.MonthlyCost;
import offsite.cost.Prices;
import offsite.notify.LastDeliveries;
import offsite.offline.OfflineRetry;
import offsite.offline.OfflineRun;
import offsite.offline.RetryDue;
import offsite.cost.StorageHistory;
import offsite.report.GenerationText;
import offsite.report.ImageReport;
import offsite.report.RestoreTestReport;
import offsite.report.OfflineReport;
import offsite.report.ReportStore;
import offsite.report.SyncReport;
import offsite.retention.RetentionPolicy;
import offsite.store.Fallbacks;
import offsite.store.Generations;
import offsite.sync.RunProgress;
import org.quartz.CronExpression;

/**
 * What the status page, /api and the `status` command show: each pipeline's state, last report and next
 * window, live progress, the inventory, the activity log and the cost. The same model renders as JSON and HTML.
 * Everything comes from the data directory and memory, never from S3: the page answers while S3 is down, costs no
 * request, and names each file it could not read instead of failing.
 */
public final class StatusPage {

    /** Where the pipelines keep their objects, and when they run; offlineDestination null: no offline copy configured. */
    public record Layout(String bucket, String syncPrefix, String trashPrefix, String imagePrefix, String syncCron, String imageCron,
            boolean imagesEnabled, String imageHost, String offlineDestination, String offlineCron) {
    }

    private final Layout layout;
    private final StateFiles files;
    private final ClosedMonths closedMonths;
    private final Supplier<RunProgress> progress;
    private final Supplier<RunProgress> imageProgress;
    private final Prices prices;
    private final RetentionPolicy keep;
    private final Fallbacks fallbacks;
    private final LastDeliveries deliveries;
    private final OfflineRetry offlineRetry;
    private final Supplier<OfflineRun.UnderWay> offlineUnderWay;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public StatusPage(Layout layout, ReportStore reports, ActivityLog activity, InventoryState inventory, StorageHistory history,
            Supplier<RunProgress> progress, Supplier<RunProgress> imageProgress, Prices prices,
            RetentionPolicy keep, Fallbacks fallbacks, LastDeliveries deliveries, OfflineRetry offlineRetry,
            Supplier<OfflineRun.UnderWay> offlineUnderWay, Clock clock) {
        this.layout = layout;
        this.files = new StateFiles(reports, activity, inventory, history);
        this.closedMonths = new ClosedMonths(activity::readMonth);
        this.progress = progress;
        this.imageProgress = imageProgress;
        this.prices = prices;
        this.keep = keep;
        this.fallbacks = fallbacks;
        this.deliveries = deliveries;
        this.offlineRetry = offlineRetry;
        this.offlineUnderWay = offlineUnderWay;
        this.clock = clock;
    }

    /** /api/status without totals and cost: each pipeline, and what could not be read ("problems"). */
    public Map<String, Object> status() {
        StateFiles.Read read = files.read();
        Map<String, Object> out = status(read);
        out.put("problems", read.problems());
        return out;
    }

    private Map<String, Object> status(StateFiles.Read read) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sync", StateFiles.attempt("the mirror's state", () -> syncStatus(read.sync(), read.setTest()), unknown(), read.problems()));
        out.put("image", StateFiles.attempt("the image backups' state", () -> imageStatus(read.image(), read.imageTest()), unknown(), read.problems()));
        if (layout.offlineDestination() != null) {
            out.put("offline", StateFiles.attempt("the offline copy's state", () -> offlineStatus(read.offline()), unknown(), read.problems()));
        }
        out.put("fallbacks", StateFiles.attempt("the S3 service's fallbacks", () -> fallbacks(read.sync()), List.of(), read.problems()));
        out.put("notifications", StateFiles.attempt("the notifications' outcomes (notifications.json)", this::notifications, List.of(),
                read.problems()));
        return out;
    }

    /**
     * Per channel (mail, webhook, heartbeat) that ever sent or gave up: the last sent, the last given up (when, what, the
     * reason without URL path or secret, the attempts made), whether it is failing (given up since the last sent), and how
     * many reports given up are kept to be sent late.
     */
    private List<Map<String, Object>> notifications() {
        Map<String, LastDeliveries.Channel> all;
        try {
            all = deliveries.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        all.forEach((channel, last) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("channel", channel);
            one.put("lastSent", last.lastSent());
            one.put("lastFailure", last.lastFailure());
            boolean failing = last.lastFailure() != null && (last.lastSent() == null || last.lastFailure().at().isAfter(last.lastSent()));
            one.put("failing", failing);
            one.put("unsent", last.unsent().size());
            one.put("line", notificationLine(last, failing));
            out.add(one);
        });
        return out;
    }

    /**
     * What the S3 service lacks and what Offsite does instead: what this process met (a pass under way included), and
     * what the last pass's report names (a `sync` command's fallbacks end with its process; its report keeps them).
     */
    private List<String> fallbacks(SyncReport sync) {
        TreeSet<String> lines = new TreeSet<>(fallbacks.lines());
        if (sync != null) {
            lines.addAll(Fallbacks.inNotes(sync.notes()));
        }
        return List.copyOf(lines);
    }

    /** The channel's state in words, the given-up one first when it is failing. */
    private static String notificationLine(LastDeliveries.Channel last, boolean failing) {
        String sent = last.lastSent() == null ? "never sent" : "last sent " + last.lastSent();
        LastDeliveries.Failure f = last.lastFailure();
        if (f == null) {
            return sent;
        }
        String failure = "given up " + f.at() + " after " + (f.attempts() == 1 ? "1 attempt" : f.attempts() + " attempts") + ": " + f.what()
                + ": " + f.reason();
        int unsent = last.unsent().size();
        String late = unsent == 0 ? "" : "; " + (unsent == 1 ? "1 report" : unsent + " reports") + " kept to send late";
        return (failing ? "FAILING: " + failure + "; " + sent : sent + "; last " + failure) + late;
    }

    /** setTest: run's last restore test of the set (offsite.sync.verify-cron), or null: none yet. */
    private Map<String, Object> syncStatus(SyncReport sync, RestoreTestReport setTest) {
        RunProgress running = progress.get();
        Map<String, Object> syncStatus = new LinkedHashMap<>();
        boolean active = running != null && running.sent() < running.plannedBytes() && !running.inFlight().isEmpty();
        syncStatus.put("state", active ? "RUNNING" : sync == null ? "IDLE" : sync.status().name());
        syncStatus.put("headline", sync == null ? "no pass yet" : sync.headline());
        syncStatus.put("nextWindow", next(layout.syncCron()));
        syncStatus.put("destination", sync == null ? null : sync.destination()); // the current generation's prefix
        syncStatus.put("generations", generationList(sync));
        syncStatus.put("lastReport", sync);
        putRestoreTest(syncStatus, setTest);
        if (active) {
            syncStatus.put("progress", progressOf(running));
        }
        return syncStatus;
    }

    /** A pipeline's last restore test as its card shows it: status, finished, headline; nothing before the first. */
    private static void putRestoreTest(Map<String, Object> status, RestoreTestReport test) {
        if (test != null) {
            status.put("restoreTest", Map.of("status", test.status().name(), "finished", test.finished().toString(), "headline", test.headline()));
        }
    }

    /** restoreTest: run's last restore test of the images (offsite.image.verify-cron), or null: none yet. */
    private Map<String, Object> imageStatus(ImageReport image, RestoreTestReport restoreTest) {
        RunProgress imaging = imageProgress.get();
        Map<String, Object> imageStatus = new LinkedHashMap<>();
        imageStatus.put("state", imaging != null ? "RUNNING" : !layout.imagesEnabled() ? "IDLE" : image == null ? "IDLE" : image.status().name());
        imageStatus.put("headline", !layout.imagesEnabled() ? "off (offsite.image.roots is empty)" : image == null ? "no backup yet" : image.headline());
        imageStatus.put("nextWindow", layout.imagesEnabled() ? next(layout.imageCron()) : null);
        imageStatus.put("lastReport", image);
        putRestoreTest(imageStatus, restoreTest);
        if (imaging != null) {
            imageStatus.put("progress", progressOf(imaging));
        }
        return imageStatus;
    }

    /** The last offline copy (offsite.offline.*), shown only when one is configured; its report's finished is the time. */
    private Map<String, Object> offlineStatus(OfflineReport offline) {
        Map<String, Object> offlineStatus = new LinkedHashMap<>();
        offlineStatus.put("state", offline == null ? "IDLE" : offline.status().name());
        offlineStatus.put("headline", offline == null ? "no copy yet" : offline.headline());
        offlineStatus.put("nextWindow", next(layout.offlineCron()));
        OfflineRun.UnderWay underWay = offlineUnderWay.get();
        if (underWay != null) { // the copy's report comes when it ends: until then, where it is (a hung drive holds it)
            offlineStatus.put("state", "RUNNING");
            offlineStatus.put("underWay", underWay.text());
            offlineStatus.put("stalled", underWay.stalled());
        }
        RetryDue retry = offlineRetry();
        if (retry.next() != null) { // the period's copy found the set in use: `run` tries it again then
            offlineStatus.put("nextTry", retry.next().toString());
            offlineStatus.put("nextTryWhy", retry.why());
        }
        offlineStatus.put("destination", layout.offlineDestination());
        offlineStatus.put("lastReport", offline);
        return offlineStatus;
    }

    private RetryDue offlineRetry() {
        try {
            return offlineRetry.plan();
        } catch (ParseException e) {
            throw new IllegalArgumentException("offsite.offline.cron is not a Quartz cron: " + layout.offlineCron(), e);
        }
    }

    private static Map<String, Object> unknown() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", "UNKNOWN");
        out.put("headline", "could not be read (see the problems above)");
        return out;
    }

    /** Every generation of the mirror as the last pass left them, newest first, with its state in words (/api/status sync.generations). */
    private static List<Map<String, Object>> generationList(SyncReport sync) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (sync == null || sync.generations() == null) {
            return out;
        }
        for (Generations.Generation g : sync.generations()) {
            boolean current = sync.destination() != null && sync.destination().endsWith("/" + g.prefix());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("number", g.number());
            one.put("prefix", g.prefix());
            one.put("current", current);
            one.put("state", GenerationText.state(g, current));
            one.put("started", g.started());
            one.put("complete", g.complete());
            one.put("verified", g.verified());
            one.put("retired", g.retired());
            out.add(0, one);
        }
        return out;
    }

    /** /api/inventory's first page: objects and bytes per part of the bucket, as the last pass listed them. */
    public Map<String, Object> inventory() {
        return inventory(InventoryState.Query.FIRST);
    }

    /** One page of /api/inventory: keys under prefix containing search, after the key `after` (the token of the page before). */
    public Map<String, Object> inventory(InventoryState.Query query) {
        StateFiles.Read read = files.read();
        Map<String, Object> out = inventory(read, query);
        out.put("problems", read.problems());
        return out;
    }

    private Map<String, Object> inventory(StateFiles.Read read, InventoryState.Query query) {
        return StateFiles.attempt("the inventory", () -> InventoryView.of(layout.bucket(), layout.imagePrefix(), layout.imageHost(), read.inventory(), query, keep,
                clock.instant(), ZoneId.systemDefault()), InventoryView.of(layout.bucket(), layout.imagePrefix(), layout.imageHost(), null, query, keep,
                clock.instant(), ZoneId.systemDefault()), read.problems());
    }

    /** /api/activity, newest first, optionally one pipeline and/or one operation, at most limit lines. */
    public List<Activity> activity(String pipeline, String operation, int limit) {
        return activity(files.read().activity(), pipeline, operation, limit);
    }

    private static List<Activity> activity(List<Activity> log, String pipeline, String operation, int limit) {
        List<Activity> all = new ArrayList<>(log);
        Collections.reverse(all);
        return all.stream().filter(a -> pipeline == null || pipeline.isEmpty() || a.pipeline().equals(pipeline))
                .filter(a -> operation == null || operation.isEmpty() || a.operation().equals(operation)).limit(limit).toList();
    }

    public MonthlyCost cost(long storedBytes) {
        return cost(storedBytes, files.read().activity());
    }

    private MonthlyCost cost(long storedBytes, List<Activity> log) {
        return MonthlyCost.of(storedBytes, log, prices, clock.instant());
    }

    /** S3 traffic of the last run of each pipeline, today and this month (UTC), from the activity log. */
    public Map<String, Totals> totals() {
        StateFiles.Read read = files.read();
        return totals(read);
    }

    // the activity log is read once per page or answer (only what it gained since the last): it holds every request ever made
    private Map<String, Totals> totals(StateFiles.Read read) {
        List<Activity> log = read.activity();
        Instant now = clock.instant();
        Map<String, Totals> out = new LinkedHashMap<>();
        SyncReport sync = read.sync();
        out.put("lastSyncRun", sync == null ? Totals.NONE
                : Totals.of(log, Totals.between(sync.started(), sync.finished(), "sync")));
        ImageReport image = read.image();
        out.put("lastImageRun", image == null ? Totals.NONE
                : Totals.of(log, Totals.between(image.started(), image.finished(), "image")));
        Instant today = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        out.put("today", Totals.of(log, Totals.between(today, now, null)));
        Instant month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        out.put("month", Totals.of(log, Totals.between(month, now, null)));
        return out;
    }

    /** What the bucket held at the last listing; before any listing, the last storage sample (0 when none). */
    private static long stored(StateFiles.Read read) {
        if (read.inventory() != null) {
            return read.inventory().parts().values().stream().mapToLong(InventoryState.Count::bytes).sum();
        }
        return read.storageDays().isEmpty() ? 0 : new ArrayList<>(read.storageDays().values()).get(read.storageDays().size() - 1);
    }

    public String statusJson() throws IOException {
        StateFiles.Read read = files.read();
        Map<String, Object> s = status(read);
        s.put("totals", StateFiles.attempt("the S3 traffic", () -> totals(read), Map.of(), read.problems()));
        long stored = stored(read);
        s.put("storedBytes", stored);
        s.put("inventoryListed", read.inventory() == null ? null : read.inventory().listed());
        s.put("inventoryUpdated", read.inventory() == null ? null : read.inventory().updated());
        s.put("cost", StateFiles.attempt("the cost", () -> cost(stored, read.activity()), null, read.problems()));
        s.put("problems", read.problems());
        return json.writeValueAsString(s);
    }

    /** /api/inventory for a request: its headers, the query parameters among them, taken as sent (PageQuery). */
    public String inventoryJson(Map<String, Object> request) throws IOException {
        PageQuery q = PageQuery.of(request);
        return inventoryJson(q.prefix(), q.search(), q.after());
    }

    /** /api/activity for a request, as inventoryJson(Map). */
    public String activityJson(Map<String, Object> request) throws IOException {
        PageQuery q = PageQuery.of(request);
        return activityJson(q.pipeline(), q.operation());
    }

    /** The page for a request, as inventoryJson(Map). */
    public String html(Map<String, Object> request) {
        PageQuery q = PageQuery.of(request);
        return html(q.pipeline(), q.operation(), q.prefix(), q.search(), q.after());
    }

    public String inventoryJson(String prefix, String search, String after) throws IOException {
        return json.writeValueAsString(inventory(new InventoryState.Query(prefix, search, after)));
    }

    public String activityJson(String pipeline, String operation) throws IOException {
        return json.writeValueAsString(activity(pipeline, operation, 1000));
    }

    /** The page: state first, then progress, totals, charts, image backups, inventory and the activity log; never fails whole. */
    public String html(String pipeline, String operation, String prefix, String search, String after) {
        StateFiles.Read read = files.read();
        List<String> problems = read.problems();
        Map<String, Object> inventory = inventory(read, new InventoryState.Query(prefix, search, after));
        long stored = stored(read);
        List<Activity> log = read.activity();
        List<StatusHtml.Chart> charts = StateFiles.attempt("the charts", () -> List.of(
                new StatusHtml.Chart("Bytes uploaded per night", uploadedPerNight(log), true),
                new StatusHtml.Chart("Storage over time", storageOverTime(read.storageDays()), true),
                new StatusHtml.Chart("Cost per month (USD)", costPerMonth(log, read.storageDays()), false),
                new StatusHtml.Chart("Storage by part", storageByPart(inventory), true)), List.of(), problems);
        Map<String, Object> status = status(read);
        Map<String, Totals> totals = StateFiles.attempt("the S3 traffic", () -> totals(read), Map.of(), problems);
        MonthlyCost cost = StateFiles.attempt("the cost", () -> cost(stored, log), null, problems);
        return StatusHtml.render(new StatusHtml.View(status, inventory, stored, cost, totals, charts, activity(log, pipeline, operation, 200),
                pipeline, operation, problems));
    }

    private static Map<String, Double> uploadedPerNight(List<Activity> log) {
        TreeMap<Long, Double> byNight = new TreeMap<>();
        for (Activity a : log) {
            if (a.operation().equals("PutObject") || a.operation().equals("UploadPart")) {
                // a night runs past midnight: count it on the day it began (noon to noon, UTC)
                byNight.merge(Math.floorDiv(a.time().getEpochSecond() - 12 * 3600, 86400), (double) a.bytesSent(), Double::sum);
            }
        }
        while (byNight.size() > 14) {
            byNight.pollFirstEntry();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        byNight.forEach((day, bytes) -> out.put(LocalDate.ofEpochDay(day).toString().substring(5), bytes));
        return out;
    }

    private static Map<String, Double> storageOverTime(Map<LocalDate, Long> history) {
        Map<String, Double> out = new LinkedHashMap<>();
        List<Map.Entry<LocalDate, Long>> days = new ArrayList<>(history.entrySet());
        for (Map.Entry<LocalDate, Long> e : days.subList(Math.max(0, days.size() - StorageHistory.DAYS_SHOWN), days.size())) {
            out.put(e.getKey().toString().substring(5), e.getValue().doubleValue());
        }
        return out;
    }

    /**
     * Each month's cost from its traffic and the last storage sample of the month: this month's from the requests held,
     * the months before from the activity log on disk (read once each), whatever the page holds of them.
     */
    private Map<String, Double> costPerMonth(List<Activity> held, Map<LocalDate, Long> history) {
        Map<String, Long> lastStorage = new TreeMap<>();
        history.forEach((day, bytes) -> lastStorage.put(day.toString().substring(0, 7), bytes));
        Map<String, Double> out = new LinkedHashMap<>();
        YearMonth now = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        for (Map.Entry<String, Long> month : lastStorage.entrySet()) {
            YearMonth ym = YearMonth.parse(month.getKey());
            Instant end = ym.atEndOfMonth().atTime(23, 59).toInstant(ZoneOffset.UTC);
            Instant at = end.isBefore(clock.instant()) ? end : clock.instant();
            try {
                MonthlyCost.Traffic traffic = ym.isBefore(now) ? closedMonths.of(ym) : MonthlyCost.Traffic.of(held, ym);
                out.put(month.getKey(), MonthlyCost.of(month.getValue(), traffic, prices, at).projected());
            } catch (IOException e) {
                throw new UncheckedIOException("the activity log of " + ym + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Map<String, Double> storageByPart(Map<String, Object> inventory) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String part : List.of("mirror", "trash", "images")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) inventory.get(part);
            out.put(part, ((Number) p.get("bytes")).doubleValue());
        }
        return out;
    }

    /** A run's progress in total and per stream: bytes, rate and time left (null while the rate is unknown). */
    private static Map<String, Object> progressOf(RunProgress p) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (p.label() != null) {
            out.put("step", p.label());
        }
        out.put("sentBytes", p.sent());
        out.put("plannedBytes", p.plannedBytes());
        out.put("bytesPerSecond", Math.round(p.rate()));
        out.put("etaSeconds", eta(p.plannedBytes() - p.sent(), p.rate()));
        long now = System.nanoTime();
        out.put("streams", p.inFlight().values().stream().sorted(Comparator.comparing(RunProgress.Stream::key)).map(s -> {
            double seconds = (now - s.startedNanos()) / 1e9;
            double rate = seconds > 0 ? s.bytes().get() / seconds : 0;
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("file", s.key());
            one.put("bytes", s.bytes().get());
            one.put("size", s.size());
            one.put("bytesPerSecond", Math.round(rate));
            one.put("etaSeconds", eta(s.size() - s.bytes().get(), rate));
            return one;
        }).toList());
        return out;
    }

    private static Long eta(long left, double rate) {
        return rate > 0 && left >= 0 ? (long) (left / rate) : null;
    }

    private String next(String cron) {
        try {
            Date next = new CronExpression(cron).getNextValidTimeAfter(Date.from(clock.instant()));
            return next == null ? null : next.toInstant().toString();
        } catch (ParseException e) {
            return "invalid cron: " + cron;
        }
    }

}
