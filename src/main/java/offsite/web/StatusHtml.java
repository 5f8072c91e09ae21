package offsite.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import offsite.activity.Activity;
import offsite.activity.Totals;
import offsite.cost.MonthlyCost;
import offsite.report.ByteSize;

/** The status page as HTML from what StatusPage gathered: no script, no external resource, charts as inline SVG. */
final class StatusHtml {

    /** One bar chart: its title, label to value, and whether the values are bytes. */
    record Chart(String title, Map<String, Double> series, boolean bytes) {
    }

    /** Everything one page shows, gathered once (the same maps /api answers with). */
    record View(Map<String, Object> status, Map<String, Object> inventory, long stored, MonthlyCost cost, Map<String, Totals> totals,
            List<Chart> charts, List<Activity> activity, String pipeline, String operation) {
    }

    private StatusHtml() {
    }

    /** The page, top to bottom: the pipelines' cards, traffic, charts, image backups, inventory, activity. */
    static String render(View v) {
        StringBuilder h = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Offsite status</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"><style>" + CSS + "</style></head><body><h1>Offsite</h1>");
        h.append("<section class=\"cards\">");
        for (String name : List.of("sync", "image")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> pipeline = (Map<String, Object>) v.status().get(name);
            h.append(card(name, pipeline));
        }
        h.append(storage(v)).append("</section>");
        h.append(totals(v.totals()));
        h.append("<section><h2>Charts</h2><div class=\"charts\">");
        v.charts().forEach(c -> h.append(Charts.bars(c.title(), c.series(), c.bytes())));
        h.append("</div></section>");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> backups = (List<Map<String, Object>>) v.inventory().get("imageBackups");
        h.append(imageBackups(backups));
        h.append(inventory(v.inventory()));
        h.append(activity(v));
        return h.append("</body></html>").toString();
    }

    /** One pipeline: state, headline, next window, where it goes, its generations and live progress. */
    private static String card(String name, Map<String, Object> p) {
        String state = String.valueOf(p.get("state"));
        StringBuilder h = new StringBuilder();
        h.append("<div class=\"card ").append(state.toLowerCase(Locale.ROOT)).append("\" id=\"").append(name).append("\"><h2>")
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
            h.append(progress(pr));
        }
        return h.append("</div>").toString();
    }

    private static String storage(View v) {
        return "<div class=\"card\"><h2>Storage and cost</h2><p><span id=\"stored\" data-bytes=\"" + v.stored() + "\">"
                + ByteSize.format(v.stored()) + "</span> stored</p><p>" + String.format(Locale.ROOT,
                        "%s: <span id=\"mtd\">%.4f</span> USD so far, <span id=\"projected\">%.4f</span> USD projected", v.cost().month(),
                        v.cost().monthToDate(), v.cost().projected()) + "</p></div>";
    }

    /** Each part of the bucket with its objects (the first 200, each a download link), then older generations. */
    private static String inventory(Map<String, Object> inventory) {
        StringBuilder h = new StringBuilder("<section><h2>Inventory</h2>");
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
                h.append("<tr><td><a href=\"download?key=").append(URLEncoder.encode(key, StandardCharsets.UTF_8))
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
        return h.append("</section>").toString();
    }

    /** The activity log, newest first, with its filter form (a plain GET: the page needs no script). */
    private static String activity(View v) {
        StringBuilder h = new StringBuilder("<section><h2>S3 activity</h2><form method=\"get\">pipeline <input name=\"pipeline\" value=\"")
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
                    .append("\">").append(b.get("id")).append("</a></td><td>").append(b.get("type")).append("</td><td class=\"num\" data-bytes=\"")
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
            + ".state{font-size:1.6em;font-weight:700;margin:.2em 0}.muted{color:#666}table{border-collapse:collapse;font-size:13px}"
            + "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}.num{text-align:right}"
            + ".charts{display:grid;grid-template-columns:1fr 1fr;gap:.5em 1.5em}.chart{width:100%;display:block;margin:.5em 0}.chart rect{fill:#4a7fd4}.chart .t{font-weight:700;font-size:13px}"
            + ".chart .l,.chart .v{font-size:10px}";
}
