package offsite.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.activity.Totals;
import offsite.cost.MonthlyCost;
import offsite.cost.Prices;
import offsite.cost.StorageHistory;
import offsite.cost.StorageSampler;
import offsite.image.ImageManifest;
import offsite.report.GenerationText;
import offsite.report.ImageReport;
import offsite.report.ReportStore;
import offsite.report.SyncReport;
import offsite.retention.Backup;
import offsite.retention.RetentionPolicy;
import offsite.store.Generations;
import offsite.store.RemoteObject;
import offsite.sync.RunProgress;
import org.quartz.CronExpression;

/**
 * What the status page, /api and the `status` command show: each pipeline's state, last report and next
 * window, live progress, the inventory, the activity log and the cost. The same model renders as JSON and HTML.
 */
public final class StatusPage {

    /** Where the pipelines keep their objects, and when they run. */
    public record Layout(String bucket, String syncPrefix, String trashPrefix, String imagePrefix, String syncCron, String imageCron,
            boolean imagesEnabled) {
    }

    private final Layout layout;
    private final ReportStore reports;
    private final ActivityLog activity;
    private final Function<String, List<RemoteObject>> lister;
    private final Supplier<RunProgress> progress;
    private final Supplier<RunProgress> imageProgress;
    private final Prices prices;
    private final StorageHistory history;
    private final StorageSampler storage;
    private final Supplier<List<ImageManifest>> manifests;
    private final RetentionPolicy keep;
    private final Clock clock;
    private final Supplier<Generations.State> generations;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public StatusPage(Layout layout, ReportStore reports, ActivityLog activity, Function<String, List<RemoteObject>> lister,
            Supplier<RunProgress> progress, Supplier<RunProgress> imageProgress, Prices prices, StorageSampler storage,
            Supplier<List<ImageManifest>> manifests, RetentionPolicy keep, Clock clock,
            Supplier<Generations.State> generations) {
        this.generations = generations;
        this.storage = storage;
        this.history = storage.history();
        this.manifests = manifests;
        this.keep = keep;
        this.layout = layout;
        this.reports = reports;
        this.activity = activity;
        this.lister = lister;
        this.progress = progress;
        this.imageProgress = imageProgress;
        this.prices = prices;
        this.clock = clock;
    }

    /** /api/status */
    public Map<String, Object> status() throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        SyncReport sync = reports.latestSync();
        RunProgress running = progress.get();
        Map<String, Object> syncStatus = new LinkedHashMap<>();
        boolean active = running != null && running.sent() < running.plannedBytes() && !running.inFlight().isEmpty();
        syncStatus.put("state", active ? "RUNNING" : sync == null ? "IDLE" : sync.status().name());
        syncStatus.put("headline", sync == null ? "no pass yet" : sync.headline());
        syncStatus.put("nextWindow", next(layout.syncCron()));
        syncStatus.put("destination", sync == null ? null : sync.destination()); // the current generation's prefix
        syncStatus.put("generations", generationList());
        syncStatus.put("lastReport", sync);
        if (active) {
            syncStatus.put("progress", progressOf(running));
        }
        out.put("sync", syncStatus);
        ImageReport image = reports.latestImage();
        RunProgress imaging = imageProgress.get();
        Map<String, Object> imageStatus = new LinkedHashMap<>();
        imageStatus.put("state", imaging != null ? "RUNNING" : !layout.imagesEnabled() ? "IDLE" : image == null ? "IDLE" : image.status().name());
        imageStatus.put("headline", !layout.imagesEnabled() ? "off (offsite.image.roots is empty)" : image == null ? "no backup yet" : image.headline());
        imageStatus.put("nextWindow", layout.imagesEnabled() ? next(layout.imageCron()) : null);
        imageStatus.put("lastReport", image);
        if (imaging != null) {
            imageStatus.put("progress", progressOf(imaging));
        }
        out.put("image", imageStatus);
        return out;
    }

    /** /api/inventory: objects and bytes per part of the bucket, every object with its key. */
    public Map<String, Object> inventory() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bucket", layout.bucket());
        out.put("mirror", part(lister.apply(currentPrefix())));
        out.put("trash", part(lister.apply(layout.trashPrefix())));
        out.put("images", part(lister.apply(layout.imagePrefix())));
        Map<String, Object> older = new LinkedHashMap<>();
        for (String prefix : olderPrefixes()) {
            older.put(prefix, part(lister.apply(prefix)));
        }
        out.put("olderGenerations", older);
        out.put("imageBackups", imageBackupList());
        return out;
    }

    /** Every generation of the mirror, newest first, with its state in words (/api/status sync.generations). */
    private List<Map<String, Object>> generationList() {
        Generations.State state = generations.get();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Generations.Generation g : state.generations()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("number", g.number());
            one.put("prefix", g.prefix());
            one.put("current", g.number() == state.current());
            one.put("state", GenerationText.state(g, g.number() == state.current()));
            one.put("started", g.started());
            one.put("complete", g.complete());
            one.put("verified", g.verified());
            one.put("retired", g.retired());
            out.add(0, one);
        }
        return out;
    }

    private String currentPrefix() {
        return generations.get().currentGeneration().prefix();
    }

    /** Prefixes of older generations not yet retired: they still hold objects and cost storage. */
    private List<String> olderPrefixes() {
        Generations.State state = generations.get();
        return state.generations().stream().filter(g -> g.number() != state.current() && g.retired() == null)
                .map(Generations.Generation::prefix).toList();
    }

    private static Map<String, Object> part(List<RemoteObject> objects) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("objects", objects.size());
        out.put("bytes", objects.stream().mapToLong(RemoteObject::size).sum());
        out.put("list", objects.stream().sorted(Comparator.comparing(RemoteObject::key)).map(o -> Map.of("key", o.key(), "size", o.size(),
                "lastModified", String.valueOf(o.lastModified()))).toList());
        return out;
    }

    /** /api/activity, newest first, optionally one pipeline and/or one operation, at most limit lines. */
    public List<Activity> activity(String pipeline, String operation, int limit) {
        return activity(activity.readAll(), pipeline, operation, limit);
    }

    private static List<Activity> activity(List<Activity> log, String pipeline, String operation, int limit) {
        List<Activity> all = new ArrayList<>(log);
        java.util.Collections.reverse(all);
        return all.stream().filter(a -> pipeline == null || pipeline.isEmpty() || a.pipeline().equals(pipeline))
                .filter(a -> operation == null || operation.isEmpty() || a.operation().equals(operation)).limit(limit).toList();
    }

    public MonthlyCost cost(long storedBytes) {
        return cost(storedBytes, activity.readAll());
    }

    private MonthlyCost cost(long storedBytes, List<Activity> log) {
        return MonthlyCost.of(storedBytes, log, prices, clock.instant());
    }

    /** S3 traffic of the last run of each pipeline, today and this month (UTC), from the activity log. */
    public Map<String, Totals> totals() throws IOException {
        return totals(activity.readAll());
    }

    // the activity log is read once per page or answer: it holds every request ever made, and grows
    private Map<String, Totals> totals(List<Activity> log) throws IOException {
        Instant now = clock.instant();
        Map<String, Totals> out = new LinkedHashMap<>();
        SyncReport sync = reports.latestSync();
        out.put("lastSyncRun", sync == null ? Totals.NONE
                : Totals.of(log, Totals.between(sync.started(), sync.finished(), "sync")));
        ImageReport image = reports.latestImage();
        out.put("lastImageRun", image == null ? Totals.NONE
                : Totals.of(log, Totals.between(image.started(), image.finished(), "image")));
        Instant today = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        out.put("today", Totals.of(log, Totals.between(today, now, null)));
        Instant month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        out.put("month", Totals.of(log, Totals.between(month, now, null)));
        return out;
    }

    public String statusJson() throws IOException {
        Map<String, Object> s = status();
        List<Activity> log = activity.readAll();
        s.put("totals", totals(log));
        long stored = storage.measure().total();
        s.put("storedBytes", stored);
        s.put("cost", cost(stored, log));
        return json.writeValueAsString(s);
    }

    public String inventoryJson() throws IOException {
        return json.writeValueAsString(inventory());
    }

    public String activityJson(String pipeline, String operation) throws IOException {
        return json.writeValueAsString(activity(pipeline, operation, 1000));
    }

    /** The page: state first, then progress, totals, charts, image backups, inventory and the activity log. */
    public String html(String pipeline, String operation) throws IOException {
        Map<String, Object> inventory = inventory();
        long stored = storage.record(sampleOf(inventory)).total();
        List<Activity> log = activity.readAll();
        List<StatusHtml.Chart> charts = List.of(new StatusHtml.Chart("Bytes uploaded per night", uploadedPerNight(log), true),
                new StatusHtml.Chart("Storage over time", storageOverTime(), true), new StatusHtml.Chart("Cost per month (USD)", costPerMonth(log), false),
                new StatusHtml.Chart("Storage by part", storageByPart(inventory), true));
        return StatusHtml.render(new StatusHtml.View(status(), inventory, stored, cost(stored, log), totals(log), charts,
                activity(log, pipeline, operation, 200), pipeline, operation));
    }

    /** The storage sample the inventory already measured: the mirror with its older generations, trash, images. */
    private static StorageSampler.Sample sampleOf(Map<String, Object> inventory) {
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> older = (Map<String, Map<String, Object>>) inventory.get("olderGenerations");
        long sync = bytesOf(inventory.get("mirror")) + older.values().stream().mapToLong(StatusPage::bytesOf).sum();
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("sync", sync);
        parts.put("trash", bytesOf(inventory.get("trash")));
        parts.put("image", bytesOf(inventory.get("images")));
        return new StorageSampler.Sample(parts);
    }

    private static long bytesOf(Object part) {
        return ((Number) ((Map<?, ?>) part).get("bytes")).longValue();
    }

    private static Map<String, Double> uploadedPerNight(List<Activity> log) {
        Map<String, Double> out = new TreeMap<>();
        for (Activity a : log) {
            if (a.operation().equals("PutObject") || a.operation().equals("UploadPart")) {
                // a night runs past midnight: count it on the day it began (noon to noon)
                String night = LocalDate.ofInstant(a.time().minusSeconds(12 * 3600), ZoneOffset.UTC).toString().substring(5);
                out.merge(night, (double) a.bytesSent(), Double::sum);
            }
        }
        while (out.size() > 14) {
            out.remove(((TreeMap<String, Double>) out).firstKey());
        }
        return out;
    }

    private Map<String, Double> storageOverTime() {
        Map<String, Double> out = new LinkedHashMap<>();
        List<Map.Entry<LocalDate, Long>> days = new ArrayList<>(history.days().entrySet());
        for (Map.Entry<LocalDate, Long> e : days.subList(Math.max(0, days.size() - 30), days.size())) {
            out.put(e.getKey().toString().substring(5), e.getValue().doubleValue());
        }
        return out;
    }

    /** Each month's cost from its activity and the last storage sample of the month. */
    private Map<String, Double> costPerMonth(List<Activity> all) {
        Map<String, Long> lastStorage = new TreeMap<>();
        history.days().forEach((day, bytes) -> lastStorage.put(day.toString().substring(0, 7), bytes));
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> month : lastStorage.entrySet()) {
            java.time.YearMonth ym = java.time.YearMonth.parse(month.getKey());
            Instant end = ym.atEndOfMonth().atTime(23, 59).toInstant(ZoneOffset.UTC);
            Instant at = end.isBefore(clock.instant()) ? end : clock.instant();
            out.put(month.getKey(), MonthlyCost.of(month.getValue(), all, prices, at).projected());
        }
        return out;
    }

    /** The image backups in the bucket, newest first: kind, size, age, and what retention keeps each for. */
    private List<Map<String, Object>> imageBackupList() {
        List<ImageManifest> known = manifests.get();
        var plan = keep.apply(known.stream().map(m -> new Backup(m.id(), Instant.parse(m.created()), m.full(), m.base())).toList(),
                java.time.ZoneId.systemDefault());
        List<Map<String, Object>> out = new ArrayList<>();
        for (ImageManifest m : known) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", m.id());
            one.put("type", m.type());
            one.put("base", m.base());
            one.put("created", m.created());
            one.put("bytes", m.objects().stream().mapToLong(ImageManifest.StoredObject::size).sum());
            one.put("ageHours", java.time.Duration.between(Instant.parse(m.created()), clock.instant()).toHours());
            one.put("keptFor", plan.keeps(m.id()) ? plan.kept().get(m.id()) : List.of());
            one.put("manifest", layout.imagePrefix() + m.id() + "/manifest.json");
            out.add(one);
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
