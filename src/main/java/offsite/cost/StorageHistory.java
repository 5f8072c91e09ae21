package offsite.cost;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import offsite.files.ReplacementFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes stored, one figure per day (the last sample taken that day wins), kept as "DAY BYTES" lines for the storage chart,
 * the cost per month and the bytes stored before any listing. A sample is appended after each pass and image backup (about
 * 25 a day with hourly images); once the file holds SLACK lines more than those readers use, it is rewritten to them: each
 * day's last sample for the newest DAYS_KEPT days, and each month's last one before them. It is read again only when it
 * changed, not at every look.
 */
public final class StorageHistory {

    private static final Logger LOG = LoggerFactory.getLogger(StorageHistory.class);

    /** Days the storage chart shows, the newest. */
    public static final int DAYS_SHOWN = 30;
    /** Days kept one by one, the newest: the chart's, and a year for whoever reads the file. */
    static final int DAYS_KEPT = 366;
    /** Lines the file may gain over what it keeps before it is rewritten: about four days of hourly samples. */
    static final int SLACK = 100;

    private final Path file;
    /** The file's last reading and the version (inode, time, size) it was read at; guarded by this. */
    private Parsed cached;

    public StorageHistory(Path file) {
        this.file = file;
    }

    /** Day to bytes stored, oldest first, and which lines could not be read (null: none). */
    public record Read(Map<LocalDate, Long> days, String problem) {
    }

    /** A reading: what read() answers, the lines the file held, and whether its last line lacks its end (a write cut short). */
    private record Parsed(Object version, Read read, int lines, boolean torn) {
    }

    public synchronized void record(LocalDate day, long bytes) {
        try {
            Files.createDirectories(file.getParent());
            Parsed now = parsed();
            TreeMap<LocalDate, Long> days = new TreeMap<>(now.read().days());
            days.put(day, bytes);
            NavigableMap<LocalDate, Long> kept = kept(days);
            if (now.lines() + 1 > kept.size() + SLACK) {
                try {
                    rewrite(kept);
                    if (now.read().problem() != null) {
                        LOG.warn("{}; they are left out of the file, rewritten to the days it keeps", now.read().problem());
                    }
                    return;
                } catch (IOException e) {
                    // a full disk: the file stays as it was, the sample is appended, the next one tries again
                }
            }
            // a line cut short by a crash must not swallow this one
            Files.writeString(file, (now.torn() ? "\n" : "") + day + " " + bytes + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // a missing sample only thins the chart
        }
    }

    /** Day to bytes stored, oldest first; lines that cannot be read are left out. */
    public Map<LocalDate, Long> days() {
        return read().days();
    }

    /** The days (unmodifiable, shared by every caller until the file changes) and which lines could not be read. */
    public synchronized Read read() {
        return parsed().read();
    }

    /** What the readers use of days: the newest DAYS_KEPT, and each month's last day (the cost per month prices it). */
    static NavigableMap<LocalDate, Long> kept(NavigableMap<LocalDate, Long> days) {
        TreeMap<LocalDate, Long> out = new TreeMap<>();
        Map<YearMonth, LocalDate> lastOfMonth = new TreeMap<>();
        days.keySet().forEach(day -> lastOfMonth.put(YearMonth.from(day), day)); // ascending: the last put is the month's last
        lastOfMonth.values().forEach(day -> out.put(day, days.get(day)));
        days.descendingMap().entrySet().stream().limit(DAYS_KEPT).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private Parsed parsed() {
        Object version;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            version = Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
        } catch (NoSuchFileException e) {
            cached = null;
            return new Parsed(null, new Read(Map.of(), null), 0, false);
        } catch (IOException e) {
            return unreadable(e);
        }
        if (cached != null && cached.version().equals(version)) {
            return cached;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return unreadable(e);
        }
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        TreeMap<LocalDate, Long> out = new TreeMap<>();
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
        String problem = bad.isEmpty() ? null : file + ": " + bad.size() + " line(s) not readable, left out (line "
                + bad.stream().limit(5).map(String::valueOf).collect(Collectors.joining(", line ")) + (bad.size() > 5 ? ", ..." : "") + ")";
        // the version taken before reading: a change meanwhile makes the next look read again, never keeps a stale reading
        cached = new Parsed(version, new Read(Collections.unmodifiableMap(out), problem), lines.size(),
                bytes.length > 0 && bytes[bytes.length - 1] != '\n');
        return cached;
    }

    private Parsed unreadable(IOException e) {
        cached = null;
        return new Parsed(null, new Read(Map.of(), file + ": not readable (" + e.getMessage() + ")"), 0, false);
    }

    /** The file replaced whole, through a temporary file synced to disk: a crash or a full disk leaves the old one or the new one. */
    private void rewrite(NavigableMap<LocalDate, Long> days) throws IOException {
        StringBuilder text = new StringBuilder(days.size() * 24);
        days.forEach((day, bytes) -> text.append(day).append(' ').append(bytes).append('\n'));
        Path tmp = ReplacementFile.beside(file);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = StandardCharsets.UTF_8.encode(text.toString());
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
