package offsite.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import offsite.files.ReplacementFile;

/** Keeps every report under DATA/reports as NAME-TIME.txt and .json, plus NAME-latest.json for tools. */
public final class ReportStore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public ReportStore(Path dir) {
        this.dir = dir;
    }

    /** The folder the reports are kept in. */
    public Path dir() {
        return dir;
    }

    public Path save(SyncReport report) throws IOException {
        Files.createDirectories(dir);
        byte[] body = json.writeValueAsBytes(report);
        Path dated = claim("sync-" + STAMP.format(report.finished()) + (report.dryRun() ? "-dry-run" : ""));
        Files.write(dated, body);
        Path text = dated.resolveSibling(dated.getFileName().toString().replaceFirst("\\.json$", ".txt"));
        Files.writeString(text, SyncReportText.render(report), StandardCharsets.UTF_8);
        if (!report.dryRun()) {
            replaceLatest("sync", body);
        }
        keepNewest("sync-");
        return text;
    }

    /** Keeps the last image report as image-latest.json (and a dated copy). */
    public void save(ImageReport report) throws IOException {
        saveWithText("image", report, report.finished(), report.text());
    }

    /** Keeps the last restore test's report of its pipeline as verify-image-latest.json or verify-latest.json (and a dated copy with its text). */
    public void save(RestoreTestReport report) throws IOException {
        saveWithText(report.pipeline(), report, report.finished(), report.text());
    }

    /**
     * Keeps the last offline copy's report as offline-latest.json (and a dated copy with its text); a repeated one (a try
     * again that ended as the one before) replaces the latest only: hourly tries through a month would crowd older reports out.
     */
    public void save(OfflineReport report) throws IOException {
        if (report.repeated()) {
            Files.createDirectories(dir);
            replaceLatest("offline", json.writeValueAsBytes(report));
            return;
        }
        saveWithText("offline", report, report.finished(), report.text());
    }

    /** KIND-TIME.json and .txt beside it, KIND-latest.json replaced, the oldest dated ones of the kind beyond KEPT removed. */
    private void saveWithText(String kind, Object report, Instant finished, String text) throws IOException {
        Files.createDirectories(dir);
        byte[] body = json.writeValueAsBytes(report);
        Path dated = claim(kind + "-" + STAMP.format(finished));
        Files.write(dated, body);
        Files.writeString(dated.resolveSibling(dated.getFileName().toString().replaceFirst("\\.json$", ".txt")), text,
                StandardCharsets.UTF_8);
        replaceLatest(kind, body);
        keepNewest(kind + "-");
    }

    /** Dated reports kept of each kind: about three years of nightly passes, six weeks of hourly image backups. */
    static final int KEPT = 1000;

    /** Deletes the dated reports of a kind (name prefix) beyond the newest KEPT, each with its text: a process that runs for years. */
    private void keepNewest(String kind) throws IOException {
        List<Path> dated;
        try (Stream<Path> files = Files.list(dir)) {
            dated = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(kind) && n.endsWith(".json") && !n.equals(kind + "latest.json");
            }).sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
        }
        for (Path old : dated.subList(Math.min(KEPT, dated.size()), dated.size())) {
            Files.deleteIfExists(old);
            Files.deleteIfExists(old.resolveSibling(old.getFileName().toString().replaceFirst("\\.json$", ".txt")));
        }
    }

    /**
     * BASE.json, or BASE-2.json, BASE-3.json... when a report of the same second is there: two processes (a refused
     * second pass, a command beside run) finishing together each keep their own. Created here, so no other can take it.
     */
    private Path claim(String base) throws IOException {
        for (int n = 1; ; n++) {
            Path json = dir.resolve(base + (n == 1 ? "" : "-" + n) + ".json");
            try {
                return Files.createFile(json);
            } catch (FileAlreadyExistsException taken) {
                // the next number
            }
        }
    }

    /** NAME-latest.json replaced whole, through a temporary file of this writer's own. */
    private void replaceLatest(String name, byte[] body) throws IOException {
        Path tmp = ReplacementFile.beside(dir.resolve(name + "-latest.json"));
        try {
            Files.write(tmp, body);
            Files.move(tmp, dir.resolve(name + "-latest.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The last image report; one that cannot be read counts as none (see image() for why). */
    public ImageReport latestImage() throws IOException {
        return image().report();
    }

    /** The last sync report; one that cannot be read counts as none (see sync() for why). */
    public SyncReport latestSync() throws IOException {
        return sync().report();
    }

    /** The newest report that could be read (null: none yet), and what could not be read (null: nothing was wrong). */
    public record Latest<T>(T report, String problem) {
    }

    /** The last sync pass; when sync-latest.json cannot be read, the newest dated sync report that can, and why. */
    public Latest<SyncReport> sync() {
        return latest("sync", SyncReport.class, r -> r.status() != null && r.started() != null && r.finished() != null);
    }

    /** The last image backup; when image-latest.json cannot be read, the newest dated image report that can, and why. */
    public Latest<ImageReport> image() {
        return latest("image", ImageReport.class, r -> r.status() != null && r.started() != null && r.finished() != null);
    }

    /**
     * The last restore test of a pipeline (run's: `verify-image` or `verify`); when PIPELINE-latest.json cannot be read, the
     * newest dated one that can, and why.
     */
    public Latest<RestoreTestReport> restoreTest(String pipeline) {
        return latest(pipeline, RestoreTestReport.class, r -> r.status() != null && r.finished() != null && r.verdict() != null);
    }

    /** The last offline copy; when offline-latest.json cannot be read, the newest dated offline report that can, and why. */
    public Latest<OfflineReport> offline() {
        return latest("offline", OfflineReport.class, r -> r.status() != null && r.started() != null && r.finished() != null);
    }

    /** The newest sync pass that neither failed nor was skipped, nor a dry run, or null: none can be read. */
    public SyncReport lastSuccessfulSync() {
        return newest("sync", SyncReport.class, r -> r.status() != null && r.started() != null && r.finished() != null,
                r -> r.status() != RunStatus.FAILED && !r.skipped() && !r.dryRun());
    }

    /** The newest image backup that did not fail, or null: none can be read. */
    public ImageReport lastSuccessfulImage() {
        return newest("image", ImageReport.class, r -> r.status() != null && r.started() != null && r.finished() != null,
                r -> r.status() != RunStatus.FAILED);
    }

    /** The newest restore test of a pipeline (verify or verify-image) that found everything restorable (OK), or null: none can be read. */
    public RestoreTestReport lastSuccessfulRestoreTest(String pipeline) {
        return newest(pipeline, RestoreTestReport.class, r -> r.status() != null && r.finished() != null && r.verdict() != null,
                r -> r.status() == RunStatus.OK);
    }

    /** The newest offline copy that kept a snapshot (OK), or null: none can be read. */
    public OfflineReport lastSuccessfulOffline() {
        return newest("offline", OfflineReport.class, r -> r.status() != null && r.started() != null && r.finished() != null,
                r -> r.status() == RunStatus.OK);
    }

    /** The newest readable report of a kind that is wanted: NAME-latest.json, then every dated one, newest first. */
    private <T> T newest(String name, Class<T> type, Predicate<T> whole, Predicate<T> wanted) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve(name + "-latest.json"));
        candidates.addAll(dated(name, KEPT));
        for (Path file : candidates) {
            try {
                T report = read(file, type, whole);
                if (wanted.test(report)) {
                    return report;
                }
            } catch (IOException notReadable) {
                // missing or damaged: the one before may say
            }
        }
        return null;
    }

    private <T> Latest<T> latest(String name, Class<T> type, Predicate<T> whole) {
        Path latest = dir.resolve(name + "-latest.json");
        if (!Files.exists(latest)) {
            return new Latest<>(null, null);
        }
        try {
            return new Latest<>(read(latest, type, whole), null);
        } catch (IOException e) {
            String problem = latest + " is not a readable report (" + e.getMessage() + ")";
            for (Path dated : dated(name, 10)) {
                try {
                    return new Latest<>(read(dated, type, whole), problem + ": showing " + dated.getFileName() + ", the newest that is");
                } catch (IOException older) {
                    // a damaged dated copy too: try the one before
                }
            }
            return new Latest<>(null, problem + ", nor is any dated " + name + " report");
        }
    }

    private <T> T read(Path file, Class<T> type, Predicate<T> whole) throws IOException {
        if (Files.size(file) == 0) {
            throw new IOException("the file is empty");
        }
        try {
            T report = json.readValue(file.toFile(), type);
            if (report == null || !whole.test(report)) {
                throw new IOException("its status or times are missing");
            }
            return report;
        } catch (JsonMappingException e) {
            throw new IOException("its fields are missing or of the wrong kind", e);
        } catch (JsonProcessingException e) {
            String line = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new IOException(line.length() > 120 ? line.substring(0, 120) + "..." : line, e);
        }
    }

    /** NAME-TIME.json of real runs (no dry runs), newest first by name (the time is in it), at most limit of them. */
    private List<Path> dated(String name, int limit) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(name + "-") && n.endsWith(".json") && !n.equals(name + "-latest.json") && !n.contains("dry-run");
            }).sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).limit(limit).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
