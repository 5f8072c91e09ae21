package offsite.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import offsite.report.ImageReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.report.SyncReport;

/**
 * /observe/health: UP or DOWN for probes, from the last runs' reports, the source and the S3 check cached for a
 * minute (a probe costs no request); each check with its message for whoever has the credentials.
 */
public final class Health {

    private final ReportStore reports;
    private final boolean imagesOn;
    private final CachedCheck s3;
    private final Supplier<String> source;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * imagesOn: whether image backups are configured (offsite.image.roots); when off, an image report left from before
     * is history, not a failing pipeline. source: null when the backup set is readable, else why not (a local look, no request).
     */
    public Health(ReportStore reports, boolean imagesOn, CachedCheck s3, Supplier<String> source) {
        this.reports = reports;
        this.imagesOn = imagesOn;
        this.s3 = s3;
        this.source = source;
    }

    /** UP or DOWN and nothing else: no check names, no bucket, no route. */
    public String status() {
        return checks().stream().anyMatch(c -> "DOWN".equals(c.get("status"))) ? "DOWN" : "UP";
    }

    /** 200 for UP, 503 for DOWN: what probes (curl -f, Docker's HEALTHCHECK) read. */
    public int code() {
        return status().equals("UP") ? 200 : 503;
    }

    /** The status with each check (s3, source, last-run): its state and, when not UP, why. */
    public String details() throws JsonProcessingException {
        List<Map<String, Object>> checks = checks();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", checks.stream().anyMatch(c -> "DOWN".equals(c.get("status"))) ? "DOWN" : "UP");
        out.put("checks", checks);
        return json.writeValueAsString(out);
    }

    private List<Map<String, Object>> checks() {
        List<Map<String, Object>> out = new ArrayList<>();
        CachedCheck.Result bucket = s3.result();
        Map<String, Object> s3Check = check("s3", bucket.known() ? bucket.problem() : null);
        if (!bucket.known()) {
            s3Check.put("status", "UNKNOWN");
            s3Check.put("message", "the first check is still running");
        } else {
            s3Check.put("checked", bucket.checked().toString());
        }
        out.add(s3Check);
        out.add(check("source", attempt(source)));
        Map<String, Object> lastRun = check("last-run", attempt(this::lastRun));
        String unread = attempt(this::unreadable);
        if (unread != null && !lastRun.containsKey("message")) {
            lastRun.put("message", unread); // said, but UP: a damaged file is no failed run
        }
        out.add(lastRun);
        return out;
    }

    /** A FAILED last sync pass or image backup (while image backups are on); a report that cannot be read is no failure of the run. */
    private String lastRun() {
        ReportStore.Latest<SyncReport> sync = reports.sync();
        if (sync.report() != null && sync.report().status() == RunStatus.FAILED) {
            return "last sync FAILED: " + sync.report().reason();
        }
        if (!imagesOn) {
            return null;
        }
        ReportStore.Latest<ImageReport> image = reports.image();
        if (image.report() != null && image.report().status() == RunStatus.FAILED) {
            return "last image backup FAILED: " + image.report().reason();
        }
        return null;
    }

    /** Which last report could not be read (and which older one stands in for it), or null when every one could. */
    private String unreadable() {
        List<String> problems = new ArrayList<>();
        if (reports.sync().problem() != null) {
            problems.add(reports.sync().problem());
        }
        if (imagesOn && reports.image().problem() != null) {
            problems.add(reports.image().problem());
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static String attempt(Supplier<String> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        }
    }

    private static Map<String, Object> check(String name, String problem) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("status", problem == null ? "UP" : "DOWN");
        if (problem != null) {
            out.put("message", problem);
        }
        return out;
    }
}
