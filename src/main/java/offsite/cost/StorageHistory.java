package offsite.cost;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

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

    /** Day to bytes stored, oldest first; lines that cannot be read are left out. */
    public Map<LocalDate, Long> days() {
        return read().days();
    }

    /** Day to bytes stored, oldest first, and which lines could not be read (null: none). */
    public record Read(Map<LocalDate, Long> days, String problem) {
    }

    public synchronized Read read() {
        Map<LocalDate, Long> out = new TreeMap<>();
        if (!Files.exists(file)) {
            return new Read(out, null);
        }
        List<String> lines;
        try {
            lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return new Read(out, file + ": not readable (" + e.getMessage() + ")");
        }
        List<Integer> bad = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split(" ");
            try {
                if (f.length != 2) {
                    throw new IllegalArgumentException("two fields expected");
                }
                out.put(LocalDate.parse(f[0]), Long.parseLong(f[1]));
            } catch (RuntimeException e) {
                if (!lines.get(i).isBlank()) {
                    bad.add(i + 1);
                }
            }
        }
        return new Read(out, bad.isEmpty() ? null : file + ": " + bad.size() + " line(s) not readable, left out (line "
                + bad.stream().limit(5).map(String::valueOf).collect(Collectors.joining(", line ")) + (bad.size() > 5 ? ", ..." : "") + ")");
    }
}
