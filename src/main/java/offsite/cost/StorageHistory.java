package offsite.cost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/** Bytes stored, one sample per day (the last one taken that day wins), kept as "DAY BYTES" lines for the charts. */
public final class StorageHistory {

    private final Path file;

    public StorageHistory(Path file) {
        this.file = file;
    }

    public synchronized void record(LocalDate day, long bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, day + " " + bytes + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // a missing sample only thins the chart
        }
    }

    /** Day to bytes stored, oldest first. */
    public synchronized Map<LocalDate, Long> days() {
        Map<LocalDate, Long> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                if (f.length == 2) {
                    out.put(LocalDate.parse(f[0]), Long.parseLong(f[1]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }
}
