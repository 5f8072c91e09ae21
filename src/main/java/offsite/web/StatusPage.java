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
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import offsite.cost.MonthlyCost;
import offsite.cost.Prices;
import offsite.report.ByteSize;
import offsite.report.ImageReport;
import offsite.report.ReportStore;
import offsite.report.SyncReport;
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
    private final java.util.function.Supplier<RunProgress> progress;
    private final java.util.function.Supplier<RunProgress> imageProgress;
    private final Prices prices;
    private final offsite.cost.StorageHistory history;
    private final offsite.cost.StorageSampler storage;
    private final java.util.function.Supplier<List<offsite.image.ImageManifest>> manifests;
    private final offsite.retention.RetentionPolicy keep;
    private final Clock clock;
    private final java.util.function.Supplier<offsite.store.Generations.State> generations;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public StatusPage(Layout layout, ReportStore reports, ActivityLog activity, Function<String, List<RemoteObject>> lister,
            java.util.function.Supplier<RunProgress> progress, java.util.function.Supplier<RunProgress> imageProgress, Prices prices, offsite.cost.StorageSampler storage,
            java.util.function.Supplier<List<offsite.image.ImageManifest>> manifests, offsite.retention.RetentionPolicy keep, Clock clock,
            java.util.function.Supplier<offsite.store.Generations.State> generations) {
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
        offsite.store.Generations.State state = generations.get();
        List<Map<String, Object>> out = new ArrayList<>();
        for (offsite.store.Generations.Generation g : state.generations()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("number", g.number());
            one.put("prefix", g.prefix());
            one.put("current", g.number() == state.current());
            one.put("state", offsite.report.GenerationText.state(g, g.number() == state.current()));
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
        offsite.store.Generations.State state = generations.get();
        return state.generations().stream().filter(g -> g.number() != state.current() && g.retired() == null)
                .map(offsite.store.Generations.Generation::prefix).toList();
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
        List<Activity> all = new ArrayList<>(activity.readAll());
        java.util.Collections.reverse(all);
        return all.stream().filter(a -> pipeline == null || pipeline.isEmpty() || a.pipeline().equals(pipeline))
                .filter(a -> operation == null || operation.isEmpty() || a.operation().equals(operation)).limit(limit).toList();
    }

    public MonthlyCost cost(long storedBytes) {
        return MonthlyCost.of(storedBytes, activity.readAll(), prices, clock.instant());
    }

    /** S3 traffic of the last run of each pipeline, today and this month (UTC), from the activity log. */
    public Map<String, offsite.activity.Totals> totals() throws IOException {
        List<Activity> log = activity.readAll();
        Instant now = clock.instant();
        Map<String, offsite.activity.Totals> out = new LinkedHashMap<>();
        SyncReport sync = reports.latestSync();
        out.put("lastSyncRun", sync == null ? offsite.activity.Totals.NONE
                : offsite.activity.Totals.of(log, offsite.activity.Totals.between(sync.started(), sync.finished(), "sync")));
        ImageReport image = reports.latestImage();
        out.put("lastImageRun", image == null ? offsite.activity.Totals.NONE
                : offsite.activity.Totals.of(log, offsite.activity.Totals.between(image.started(), image.finished(), "image")));
        Instant today = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        out.put("today", offsite.activity.Totals.of(log, offsite.activity.Totals.between(today, now, null)));
        Instant month = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        out.put("month", offsite.activity.Totals.of(log, offsite.activity.Totals.between(month, now, null)));
        return out;
    }

    private static String totalsHtml(Map<String, offsite.activity.Totals> totals) {
        Map<String, String> names = Map.of("lastSyncRun", "last mirror run", "lastImageRun", "last image backup", "today", "today (UTC)",
                "month", "this month");
        StringBuilder h = new StringBuilder("<section><h2>S3 traffic</h2><table id=\"totals\"><tr><th></th><th>requests</th>"
                + "<th>objects and parts sent</th><th>bytes sent</th><th>bytes received</th><th>failed requests</th></tr>");
        totals.forEach((key, t) -> h.append("<tr data-period=\"").append(key).append("\"><td>").append(names.get(key))
                .append("</td><td class=\"num\">").append(t.requests()).append("</td><td class=\"num\">").append(t.uploads())
                .append("</td><td class=\"num\" data-bytes=\"").append(t.bytesSent()).append("\">").append(ByteSize.format(t.bytesSent()))
                .append("</td><td class=\"num\" data-bytes=\"").append(t.bytesReceived()).append("\">").append(ByteSize.format(t.bytesReceived()))
                .append("</td><td class=\"num\">").append(t.failures()).append("</td></tr>"));
        return h.append("</table></section>").toString();
    }

    public String statusJson() throws IOException {
        Map<String, Object> s = status();
        s.put("totals", totals());
        long stored = storedBytes();
        s.put("storedBytes", stored);
        s.put("cost", cost(stored));
        return json.writeValueAsString(s);
    }

    public String inventoryJson() throws IOException {
        return json.writeValueAsString(inventory());
    }

    public String activityJson(String pipeline, String operation) throws IOException {
        return json.writeValueAsString(activity(pipeline, operation, 1000));
    }

    private long storedBytes() {
        return storage.measure().total();
    }

    /** The page: state first, then progress, charts, inventory and the activity log. */
    public String html(String pipeline, String operation) throws IOException {
        Map<String, Object> status = status();
        Map<String, Object> inventory = inventory();
        long stored = storedBytes();
        MonthlyCost cost = cost(stored);
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Offsite status</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"><style>" + CSS + "</style></head><body><h1>Offsite</h1>");
        h.append("<section class=\"cards\">");
        for (String name : List.of("sync", "image")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) status.get(name);
            String state = String.valueOf(p.get("state"));
            h.append("<div class=\"card ").append(state.toLowerCase(java.util.Locale.ROOT)).append("\" id=\"").append(name).append("\"><h2>")
                    .append(name.equals("sync") ? "Backup-set mirror" : "System images").append("</h2><p class=\"state\" data-state=\"")
                    .append(state).append("\">").append(state).append("</p><p>").append(Charts.escape(String.valueOf(p.get("headline"))))
                    .append("</p><p class=\"muted\">next window: ").append(p.get("nextWindow") == null ? "-" : p.get("nextWindow")).append("</p>");
            if (p.get("destination") != null) {
                h.append("<p class=\"muted\" id=\"").append(name).append("-destination\">to ")
                        .append(Charts.escape(String.valueOf(p.get("destination")))).append("</p>");
            }
            if (p.get("generations") instanceof List<?> gens && gens.size() > 1) {
                h.append("<ul id=\"generations\" class=\"muted\">");
                for (Object g : gens) {
                    Map<?, ?> one = (Map<?, ?>) g;
                    h.append("<li data-generation=\"").append(one.get("number")).append("\">generation ").append(one.get("number")).append(" (")
                            .append(Charts.escape(String.valueOf(one.get("prefix")))).append("): ").append(Charts.escape(String.valueOf(one.get("state"))))
                            .append("</li>");
                }
                h.append("</ul>");
            }
            if (p.get("progress") instanceof Map<?, ?> pr) {
                h.append(progressHtml(pr));
            }
            h.append("</div>");
        }
        h.append("<div class=\"card\"><h2>Storage and cost</h2><p><span id=\"stored\" data-bytes=\"").append(stored).append("\">")
                .append(ByteSize.format(stored)).append("</span> stored</p><p>").append(String.format(java.util.Locale.ROOT,
                        "%s: <span id=\"mtd\">%.4f</span> USD so far, <span id=\"projected\">%.4f</span> USD projected", cost.month(),
                        cost.monthToDate(), cost.projected())).append("</p></div></section>");
        h.append(totalsHtml(totals()));
        h.append("<section><h2>Charts</h2><div class=\"charts\">").append(Charts.bars("Bytes uploaded per night", uploadedPerNight(), true))
                .append(Charts.bars("Storage over time", storageOverTime(), true))
                .append(Charts.bars("Cost per month (USD)", costPerMonth(), false))
                .append(Charts.bars("Storage by part", storageByPart(inventory), true)).append("</div></section>");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> backups = (List<Map<String, Object>>) inventory.get("imageBackups");
        h.append(imageBackups(backups));
        h.append("<section><h2>Inventory</h2>");
        for (String part : List.of("mirror", "trash", "images")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) inventory.get(part);
            h.append("<h3>").append(part).append(": <span class=\"count\" id=\"").append(part).append("-objects\">").append(p.get("objects"))
                    .append("</span> objects, <span id=\"").append(part).append("-bytes\" data-bytes=\"").append(p.get("bytes")).append("\">")
                    .append(ByteSize.format(((Number) p.get("bytes")).doubleValue())).append("</span></h3><table>");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) p.get("list");
            for (Map<String, Object> o : list.stream().limit(200).toList()) {
                String key = String.valueOf(o.get("key"));
                h.append("<tr><td><a href=\"download?key=").append(java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8))
                        .append("\">").append(Charts.escape(key)).append("</a></td><td class=\"num\">")
                        .append(ByteSize.format(((Number) o.get("size")).doubleValue())).append("</td></tr>");
            }
            h.append("</table>");
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> older = (Map<String, Map<String, Object>>) inventory.get("olderGenerations");
        older.forEach((prefix, p) -> h.append("<h3>older generation ").append(Charts.escape(prefix)).append(": <span class=\"count\">")
                .append(p.get("objects")).append("</span> objects, <span data-bytes=\"").append(p.get("bytes")).append("\">")
                .append(ByteSize.format(((Number) p.get("bytes")).doubleValue())).append("</span> (kept until the current one is verified)</h3>"));
        h.append("</section><section><h2>S3 activity</h2><form method=\"get\">pipeline <input name=\"pipeline\" value=\"")
                .append(pipeline == null ? "" : Charts.escape(pipeline)).append("\"> operation <input name=\"operation\" value=\"")
                .append(operation == null ? "" : Charts.escape(operation)).append("\"> <button>filter</button></form><table id=\"activity\">"
                        + "<tr><th>time</th><th>pipeline</th><th>operation</th><th>key</th><th>sent</th><th>received</th><th>ms</th><th>outcome</th></tr>");
        for (Activity a : activity(pipeline, operation, 200)) {
            h.append("<tr><td>").append(a.time()).append("</td><td>").append(a.pipeline()).append("</td><td>").append(a.operation())
                    .append("</td><td>").append(Charts.escape(a.key())).append("</td><td class=\"num\">").append(a.bytesSent())
                    .append("</td><td class=\"num\">").append(a.bytesReceived()).append("</td><td class=\"num\">").append(a.millis())
                    .append("</td><td>").append(Charts.escape(a.outcome())).append("</td></tr>");
        }
        return h.append("</table></section></body></html>").toString();
    }

    private Map<String, Double> uploadedPerNight() {
        Map<String, Double> out = new TreeMap<>();
        for (Activity a : activity.readAll()) {
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
    private Map<String, Double> costPerMonth() {
        Map<String, Long> lastStorage = new TreeMap<>();
        history.days().forEach((day, bytes) -> lastStorage.put(day.toString().substring(0, 7), bytes));
        List<Activity> all = activity.readAll();
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
        List<offsite.image.ImageManifest> known = manifests.get();
        var plan = keep.apply(known.stream().map(m -> new offsite.retention.Backup(m.id(), Instant.parse(m.created()), m.full(), m.base())).toList(),
                java.time.ZoneId.systemDefault());
        List<Map<String, Object>> out = new ArrayList<>();
        for (offsite.image.ImageManifest m : known) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", m.id());
            one.put("type", m.type());
            one.put("base", m.base());
            one.put("created", m.created());
            one.put("bytes", m.objects().stream().mapToLong(offsite.image.ImageManifest.StoredObject::size).sum());
            one.put("ageHours", java.time.Duration.between(Instant.parse(m.created()), clock.instant()).toHours());
            one.put("keptFor", plan.keeps(m.id()) ? plan.kept().get(m.id()) : List.of());
            one.put("manifest", layout.imagePrefix() + m.id() + "/manifest.json");
            out.add(one);
        }
        return out;
    }

    private static String imageBackups(List<Map<String, Object>> backups) {
        StringBuilder h = new StringBuilder("<section><h2>Image backups</h2>");
        if (backups.isEmpty()) {
            return h.append("<p class=\"muted\">none in the bucket</p></section>").toString();
        }
        h.append("<table id=\"images\"><tr><th>id</th><th>type</th><th>size</th><th>age</th><th>retention</th></tr>");
        for (Map<String, Object> b : backups) {
            List<?> kept = (List<?>) b.get("keptFor");
            h.append("<tr><td><a href=\"download?key=").append(java.net.URLEncoder.encode(String.valueOf(b.get("manifest")), java.nio.charset.StandardCharsets.UTF_8))
                    .append("\">").append(b.get("id")).append("</a></td><td>").append(b.get("type")).append("</td><td class=\"num\" data-bytes=\"")
                    .append(b.get("bytes")).append("\">").append(ByteSize.format(((Number) b.get("bytes")).doubleValue())).append("</td><td>")
                    .append(b.get("ageHours")).append(" h</td><td>")
                    .append(kept.isEmpty() ? "deleted at the next backup" : "keeps: " + String.join(", ", kept.stream().map(String::valueOf).toList()))
                    .append("</td></tr>");
        }
        return h.append("</table></section>").toString();
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

    /** The progress as a person reads it: the total, then one row per stream. */
    private static String progressHtml(Map<?, ?> p) {
        StringBuilder h = new StringBuilder("<div class=\"progress\">");
        long planned = ((Number) p.get("plannedBytes")).longValue();
        long sent = ((Number) p.get("sentBytes")).longValue();
        h.append("<p>").append(p.get("step") == null ? "running" : Charts.escape(String.valueOf(p.get("step")))).append(": <span class=\"sent\" data-bytes=\"")
                .append(sent).append("\">").append(ByteSize.format(sent)).append("</span>");
        if (planned > 0) {
            h.append(" of ").append(ByteSize.format(planned)).append(String.format(java.util.Locale.ROOT, " (%.0f%%)", 100.0 * Math.min(sent, planned) / planned));
        }
        h.append(" at ").append(ByteSize.format(((Number) p.get("bytesPerSecond")).doubleValue())).append("/s, ")
                .append(p.get("etaSeconds") == null ? "time left unknown" : ByteSize.duration(((Number) p.get("etaSeconds")).longValue()) + " left")
                .append("</p>");
        List<?> streams = (List<?>) p.get("streams");
        if (!streams.isEmpty()) {
            h.append("<table class=\"streams\"><tr><th>file</th><th>sent</th><th>of</th><th>rate</th><th>left</th></tr>");
            for (Object o : streams) {
                Map<?, ?> s = (Map<?, ?>) o;
                h.append("<tr><td>").append(Charts.escape(String.valueOf(s.get("file")))).append("</td><td class=\"num\">")
                        .append(ByteSize.format(((Number) s.get("bytes")).doubleValue())).append("</td><td class=\"num\">")
                        .append(ByteSize.format(((Number) s.get("size")).doubleValue())).append("</td><td class=\"num\">")
                        .append(ByteSize.format(((Number) s.get("bytesPerSecond")).doubleValue())).append("/s</td><td class=\"num\">")
                        .append(s.get("etaSeconds") == null ? "?" : ByteSize.duration(((Number) s.get("etaSeconds")).longValue())).append("</td></tr>");
            }
            h.append("</table>");
        }
        return h.append("</div>").toString();
    }

    private String next(String cron) {
        try {
            Date next = new CronExpression(cron).getNextValidTimeAfter(Date.from(clock.instant()));
            return next == null ? null : next.toInstant().toString();
        } catch (ParseException e) {
            return "invalid cron: " + cron;
        }
    }

    private static final String CSS = "body{font:15px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1100px}"
            + ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:8px;padding:.2em 1em;flex:1;min-width:260px}"
            + ".ok .state{color:#176b17}.warn .state{color:#a06000}.failed .state{color:#b00020}.running .state{color:#1d4ed8}"
            + ".state{font-size:1.6em;font-weight:700;margin:.2em 0}.muted{color:#666}table{border-collapse:collapse;font-size:13px}"
            + "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}.num{text-align:right}"
            + ".charts{display:grid;grid-template-columns:1fr 1fr;gap:.5em 1.5em}.chart{width:100%;display:block;margin:.5em 0}.chart rect{fill:#4a7fd4}.chart .t{font-weight:700;font-size:13px}"
            + ".chart .l,.chart .v{font-size:10px}";
}
