package offsite.activity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Appends activities to DIR/activity-YYYY-MM.jsonl (UTC month), starting activity-YYYY-MM.N.jsonl when a file
 * passes maxBytes. Files are only ever appended to.
 */
public final class ActivityLog {

    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final long maxBytes;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final List<Consumer<Activity>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public ActivityLog(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Also tells the listener (metrics, live page) of every activity. */
    public void listen(Consumer<Activity> listener) {
        listeners.add(listener);
    }

    public synchronized void append(Activity activity) {
        try {
            Files.createDirectories(dir);
            Path file = current(MONTH.format(activity.time()));
            byte[] line = (json.writeValueAsString(activity) + "\n").getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.write(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the activity log in " + dir + ": " + e.getMessage(), e);
        }
        listeners.forEach(l -> l.accept(activity));
    }

    private Path current(String month) throws IOException {
        Path file = dir.resolve("activity-" + month + ".jsonl");
        for (int n = 2; Files.exists(file) && Files.size(file) >= maxBytes; n++) {
            file = dir.resolve("activity-" + month + "." + n + ".jsonl");
        }
        return file;
    }

    /** Every activity recorded, oldest first. */
    public List<Activity> readAll() {
        List<Activity> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted(ActivityLog::byMonthThenNumber).toList()) {
                try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (!line.isBlank()) {
                            out.add(json.readValue(line, Activity.class));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the activity log in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static int byMonthThenNumber(Path a, Path b) {
        return key(a).compareTo(key(b));
    }

    private static String key(Path p) {
        String name = p.getFileName().toString().replace(".jsonl", "");
        String[] parts = name.split("\\.");
        return parts[0] + "." + String.format("%06d", parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
    }
}
