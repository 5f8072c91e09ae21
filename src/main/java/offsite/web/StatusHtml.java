package offsite.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import offsite.activity.Activity;
import offsite.activity.Totals;
import offsite.cost.InventoryState;
import offsite.cost.MonthlyCost;
import offsite.report.ByteSize;

/** The status page as HTML from what StatusPage gathered: no script, no external resource, charts as inline SVG. */
final class StatusHtml {

    /** One bar chart: its title, label to value, and whether the values are bytes. */
    record Chart(String title, Map<String, Double> series, boolean bytes) {
    }

    /** Everything one page shows, gathered once (the same maps /api answers with). */
    record View(Map<String, Object> status, Map<String, Object> inventory, long stored, MonthlyCost cost, Map<String, Totals> totals,
            List<Chart> charts, List<Activity> activity, String pipeline, String operation, List<String> problems) {
    }

    private static final Map<String, String> TITLES = Map.of("sync", "Backup-set mirror", "image", "System images", "offline",
            "Offline copy");

    private StatusHtml() {
    }

    /** The page, top to bottom: what could not be read, the pipelines' cards, traffic, charts, image backups, inventory, activity. */
    static String render(View v) {
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Offsite status</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"><style>" + CSS + "</style></head><body><h1>Offsite</h1>");
        List<String> problems = new ArrayList<>(v.problems());
        StringBuilder body = new StringBuilder();
        body.append(section("the pipelines", problems, () -> {
            StringBuilder cards = new StringBuilder("<section class=\"cards\">");
            for (String name : List.of("sync", "image", "offline")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> pipeline = (Map<String, Object>) v.status().get(name);
                if (pipeline != null) { // the offline copy only when offsite.offline.destination is set
                    cards.append(card(name, pipeline));
                }
            }
            return cards.append(storage(v)).append("</section>").toString();
        }));
        body.append(section("the S3 service's fallbacks", problems, () -> fallbacks((List<?>) v.status().get("fallbacks"))));
        body.append(section("the notifications", problems, () -> notifications((List<?>) v.status().get("notifications"))));
        body.append(section("the S3 traffic", problems, () -> totals(v.totals())));
        body.append(section("the charts", problems, () -> {
            StringBuilder charts = new StringBuilder("<section><h2>Charts</h2><div class=\"charts\">");
            v.charts().forEach(c -> charts.append(Charts.bars(c.title(), c.series(), c.bytes())));
            return charts.append("</div></section>").toString();
        }));
        body.append(section("the image backups", problems, () -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> backups = (List<Map<String, Object>>) v.inventory().get("imageBackups");
            return imageBackups(backups);
        }));
        body.append(section("the inventory", problems, () -> inventory(v)));
        body.append(section("the activity log", problems, () -> activity(v)));
        if (!problems.isEmpty()) {
            h.append("<ul id=\"problems\" class=\"problems\">");
            problems.forEach(p -> h.append("<li>").append(Charts.escape(p)).append("</li>"));
            h.append("</ul>");
        }
        return h.append(body).append("</body></html>").toString();
    }

    /** One part of the page; one that cannot be drawn is a problem line, never a failed page. */
    private static String section(String what, List<String> problems, Supplier<String> draw) {
        try {
            return draw.get();
        } catch (RuntimeException e) {
            problems.add("could not show " + what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return "";
        }
    }

    /** One pipeline: state, headline, next window, where it goes, its generations and live progress. */
    private static String card(String name, Map<String, Object> p) {
        String state = String.valueOf(p.get("state"));
        StringBuilder h = new StringBuilder();
        h.append("<div class=\"card ").append(state.toLowerCase(Locale.ROOT)).append("\" id=\"").append(name).append("\"><h2>")
                .append(TITLES.get(name)).append("</h2><p class=\"state\" data-state=\"")
                .append(state).append("\">").append(state).append("</p><p>").append(Charts.escape(String.valueOf(p.get("headline"))))
                .append("</p><p class=\"muted\">next window: ").append(p.get("nextWindow") == null ? "-" : p.get("nextWindow")).append("</p>");
        if (p.get("underWay") != null) {
            h.append("<p class=\"").append(Boolean.TRUE.equals(p.get("stalled")) ? "stalled" : "muted").append("\" id=\"").append(name)
                    .append("-under-way\">copying ").append(Charts.escape(String.valueOf(p.get("underWay")))).append("</p>");
        }
        if (p.get("restoreTest") instanceof Map<?, ?> test) { // the image backups' last restore test: a FAILED one in the failure colour
            h.append("<p class=\"").append("OK".equals(test.get("status")) ? "muted" : "failing").append("\" id=\"").append(name)
                    .append("-restore-test\">restore test ").append(test.get("finished")).append(": ")
                    .append(Charts.escape(String.valueOf(test.get("headline")))).append("</p>");
        }
        if (p.get("nextTry") != null) {
            h.append("<p class=\"muted\" id=\"").append(name).append("-next-try\">the set was in use: tried again at ")
                    .append(p.get("nextTry")).append("</p>");
        }
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
            h.append(progress(pr));
        }
        return h.append("</div>").toString();
    }

    private static String storage(View v) {
        Object listed = v.inventory().get("listed");
        Object updated = v.inventory().get("updated");
        return "<div class=\"card\"><h2>Storage and cost</h2><p><span id=\"stored\" data-bytes=\"" + v.stored() + "\">"
                + ByteSize.format(v.stored()) + "</span> stored</p><p class=\"muted\" id=\"listed\">"
                + (listed == null ? "not listed yet: the bucket is listed after each pass" : "as last updated, " + updated
                        + (listed.equals(updated) ? "" : " (the whole bucket listed " + listed + "; each pass lists its own part)")) + "</p>"
                + (v.cost() == null ? "" : "<p>" + String.format(Locale.ROOT,
                        "%s: <span id=\"mtd\">%.4f</span> USD so far, <span id=\"projected\">%.4f</span> USD projected", v.cost().month(),
                        v.cost().monthToDate(), v.cost().projected()) + "</p>") + "</div>";
    }

    /** The totals of each part, then one page of objects (each a download link) with its search form and the link to the next page. */
    private static String inventory(View v) {
        Map<String, Object> inventory = v.inventory();
        StringBuilder h = new StringBuilder("<section><h2>Inventory</h2>");
        for (String part : List.of("mirror", "trash", "images")) {
            Map<?, ?> p = (Map<?, ?>) inventory.get(part);
            h.append("<h3>").append(part).append(": <span class=\"count\" id=\"").append(part).append("-objects\">").append(p.get("objects"))
                    .append("</span> objects, <span id=\"").append(part).append("-bytes\" data-bytes=\"").append(p.get("bytes")).append("\">")
                    .append(ByteSize.format(((Number) p.get("bytes")).doubleValue())).append("</span></h3>");
        }
        Map<?, ?> older = (Map<?, ?>) inventory.get("olderGenerations");
        older.forEach((prefix, o) -> {
            Map<?, ?> p = (Map<?, ?>) o;
            h.append("<h3>older generation ").append(Charts.escape(String.valueOf(prefix))).append(": <span class=\"count\">")
                    .append(p.get("objects")).append("</span> objects, <span data-bytes=\"").append(p.get("bytes")).append("\">")
                    .append(ByteSize.format(((Number) p.get("bytes")).doubleValue())).append("</span> (kept until the current one is verified)</h3>");
        });
        Map<?, ?> query = (Map<?, ?>) inventory.get("query");
        String prefix = String.valueOf(query.get("prefix"));
        String search = String.valueOf(query.get("search"));
        h.append("<form id=\"inventory-search\" method=\"get\">key starts with <input name=\"prefix\" value=\"").append(Charts.escape(prefix))
                .append("\"> contains <input name=\"search\" value=\"").append(Charts.escape(search)).append("\">")
                .append(hidden("pipeline", v.pipeline())).append(hidden("operation", v.operation())).append(" <button>search</button></form>");
        List<?> rows = (List<?>) inventory.get("objects");
        int before = ((Number) inventory.get("before")).intValue();
        h.append("<p class=\"muted\" id=\"inventory-range\"><span id=\"matching\">").append(inventory.get("matching")).append("</span> matching")
                .append(rows.isEmpty() ? "" : ", " + (before + 1) + " to " + (before + rows.size()) + " shown").append("</p><table id=\"inventory\">");
        for (Object o : rows) {
            Map<?, ?> row = (Map<?, ?>) o;
            String key = String.valueOf(row.get("key"));
            h.append("<tr><td><a href=\"download?key=").append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append("\">").append(Charts.escape(key))
                    .append("</a></td><td>").append(row.get("part")).append("</td><td class=\"num\">")
                    .append(ByteSize.format(((Number) row.get("size")).doubleValue())).append("</td></tr>");
        }
        h.append("</table>");
        if (inventory.get("next") != null) {
            h.append("<p><a id=\"next-page\" href=\"?").append(query("prefix", prefix)).append('&').append(query("search", search)).append('&')
                    .append(query("after", String.valueOf(inventory.get("next"))));
            if (v.pipeline() != null && !v.pipeline().isEmpty()) {
                h.append('&').append(query("pipeline", v.pipeline()));
            }
            if (v.operation() != null && !v.operation().isEmpty()) {
                h.append('&').append(query("operation", v.operation()));
            }
            h.append("\">next ").append(InventoryState.PAGE_ROWS).append(" objects</a></p>");
        }
        return h.append("</section>").toString();
    }

    private static String hidden(String name, String value) {
        return value == null || value.isEmpty() ? "" : "<input type=\"hidden\" name=\"" + name + "\" value=\"" + Charts.escape(value) + "\">";
    }

    private static String query(String name, String value) {
        return name + "=" + Charts.escape(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    /** The activity log, newest first, with its filter form (a plain GET: the page needs no script). */
    private static String activity(View v) {
        StringBuilder h = new StringBuilder("<section><h2>S3 activity</h2><form id=\"activity-filter\" method=\"get\">pipeline <input name=\"pipeline\" value=\"")
                .append(v.pipeline() == null ? "" : Charts.escape(v.pipeline())).append("\"> operation <input name=\"operation\" value=\"")
                .append(v.operation() == null ? "" : Charts.escape(v.operation())).append("\"> <button>filter</button></form><table id=\"activity\">"
                        + "<tr><th>time</th><th>pipeline</th><th>operation</th><th>key</th><th>sent</th><th>received</th><th>ms</th><th>outcome</th></tr>");
        for (Activity a : v.activity()) {
            h.append("<tr><td>").append(a.time()).append("</td><td>").append(a.pipeline()).append("</td><td>").append(a.operation())
                    .append("</td><td>").append(Charts.escape(a.key())).append("</td><td class=\"num\">").append(a.bytesSent())
                    .append("</td><td class=\"num\">").append(a.bytesReceived()).append("</td><td class=\"num\">").append(a.millis())
                    .append("</td><td>").append(Charts.escape(a.outcome())).append("</td></tr>");
        }
        return h.append("</table></section>").toString();
    }

    /** What the S3 service lacks and what Offsite does instead, one line each (the text names operations the service refused). */
    private static String fallbacks(List<?> fallbacks) {
        StringBuilder h = new StringBuilder("<section><h2>S3 service</h2>");
        if (fallbacks.isEmpty()) {
            return h.append("<p class=\"muted\" id=\"fallbacks\">no fallback in use: the service has offered every operation asked of it</p>")
                    .append("</section>").toString();
        }
        h.append("<ul id=\"fallbacks\">");
        fallbacks.forEach(f -> h.append("<li>").append(Charts.escape(String.valueOf(f))).append("</li>"));
        return h.append("</ul></section>").toString();
    }

    /** Per channel (mail, webhook, heartbeat) its last sent and last given up, a failing one marked as a problem. */
    private static String notifications(List<?> channels) {
        StringBuilder h = new StringBuilder("<section><h2>Notifications</h2>");
        if (channels.isEmpty()) {
            return h.append("<p class=\"muted\" id=\"notifications\">no notification sent or given up yet</p></section>").toString();
        }
        h.append("<ul id=\"notifications\">");
        for (Object c : channels) {
            Map<?, ?> one = (Map<?, ?>) c;
            h.append(Boolean.TRUE.equals(one.get("failing")) ? "<li class=\"failing\">" : "<li>").append(Charts.escape(String.valueOf(one.get("channel"))))
                    .append(": ").append(Charts.escape(String.valueOf(one.get("line")))).append("</li>");
        }
        return h.append("</ul></section>").toString();
    }

    private static String totals(Map<String, Totals> totals) {
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

    private static String imageBackups(List<Map<String, Object>> backups) {
        StringBuilder h = new StringBuilder("<section><h2>Image backups</h2>");
        if (backups.isEmpty()) {
            return h.append("<p class=\"muted\">none in the bucket</p></section>").toString();
        }
        h.append("<table id=\"images\"><tr><th>id</th><th>type</th><th>size</th><th>age</th><th>retention</th></tr>");
        for (Map<String, Object> b : backups) {
            List<?> kept = (List<?>) b.get("keptFor");
            h.append("<tr><td><a href=\"download?key=").append(URLEncoder.encode(String.valueOf(b.get("manifest")), StandardCharsets.UTF_8))
                    .append("\">").append(Charts.escape(String.valueOf(b.get("id")))).append("</a></td><td>").append(Charts.escape(String.valueOf(b.get("type"))))
                    .append("</td><td class=\"num\" data-bytes=\"")
                    .append(b.get("bytes")).append("\">").append(ByteSize.format(((Number) b.get("bytes")).doubleValue())).append("</td><td>")
                    .append(b.get("ageHours")).append(" h</td><td>")
                    .append(kept.isEmpty() ? "deleted at the next backup" : "keeps: " + String.join(", ", kept.stream().map(String::valueOf).toList()))
                    .append("</td></tr>");
        }
        return h.append("</table></section>").toString();
    }

    /** The progress as a person reads it: the total, then one row per stream. */
    private static String progress(Map<?, ?> p) {
        StringBuilder h = new StringBuilder("<div class=\"progress\">");
        long planned = ((Number) p.get("plannedBytes")).longValue();
        long sent = ((Number) p.get("sentBytes")).longValue();
        h.append("<p>").append(p.get("step") == null ? "running" : Charts.escape(String.valueOf(p.get("step")))).append(": <span class=\"sent\" data-bytes=\"")
                .append(sent).append("\">").append(ByteSize.format(sent)).append("</span>");
        if (planned > 0) {
            h.append(" of ").append(ByteSize.format(planned)).append(String.format(Locale.ROOT, " (%.0f%%)", 100.0 * Math.min(sent, planned) / planned));
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

    private static final String CSS = "body{font:15px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1100px}"
            + ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:8px;padding:.2em 1em;flex:1;min-width:260px}"
            + ".ok .state{color:#176b17}.warn .state{color:#a06000}.failed .state{color:#b00020}.running .state{color:#1d4ed8}"
            + ".state{font-size:1.6em;font-weight:700;margin:.2em 0}.muted{color:#666}.stalled{color:#a06000;font-weight:700}table{border-collapse:collapse;font-size:13px}"
            + "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}.num{text-align:right}"
            + ".charts{display:grid;grid-template-columns:1fr 1fr;gap:.5em 1.5em}.chart{width:100%;display:block;margin:.5em 0}.chart rect{fill:#4a7fd4}.chart .t{font-weight:700;font-size:13px}"
            + ".chart .l,.chart .v{font-size:10px}.failing{color:#b00020}.problems{color:#b00020;border:1px solid #b00020;border-radius:8px;padding:.5em 2em}";
}
