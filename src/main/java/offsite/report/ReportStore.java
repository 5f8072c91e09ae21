package offsite.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Keeps every report under DATA/reports as NAME-TIME.txt and .json, plus NAME-latest.json for tools. */
public final class ReportStore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public ReportStore(Path dir) {
        this.dir = dir;
    }

    public Path save(SyncReport report) throws IOException {
        Files.createDirectories(dir);
        String base = "sync-" + STAMP.format(report.finished()) + (report.dryRun() ? "-dry-run" : "");
        Path text = dir.resolve(base + ".txt");
        Files.writeString(text, SyncReportText.render(report), StandardCharsets.UTF_8);
        byte[] body = json.writeValueAsBytes(report);
        Files.write(dir.resolve(base + ".json"), body);
        if (!report.dryRun()) {
            Path tmp = dir.resolve("sync-latest.json.tmp");
            Files.write(tmp, body);
            Files.move(tmp, dir.resolve("sync-latest.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return text;
    }

    /** Keeps the last image report as image-latest.json (and a dated copy). */
    public void save(ImageReport report) throws IOException {
        Files.createDirectories(dir);
        byte[] body = json.writeValueAsBytes(report);
        Files.write(dir.resolve("image-" + STAMP.format(report.finished()) + ".json"), body);
        Files.writeString(dir.resolve("image-" + STAMP.format(report.finished()) + ".txt"), report.text(), StandardCharsets.UTF_8);
        Path tmp = dir.resolve("image-latest.json.tmp");
        Files.write(tmp, body);
        Files.move(tmp, dir.resolve("image-latest.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public ImageReport latestImage() throws IOException {
        Path latest = dir.resolve("image-latest.json");
        return Files.exists(latest) ? json.readValue(latest.toFile(), ImageReport.class) : null;
    }

    public SyncReport latestSync() throws IOException {
        Path latest = dir.resolve("sync-latest.json");
        return Files.exists(latest) ? json.readValue(latest.toFile(), SyncReport.class) : null;
    }
}
