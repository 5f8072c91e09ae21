package offsite.activity;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends activities to DIR/activity-YYYY-MM.jsonl (UTC month), starting activity-YYYY-MM.N.jsonl when a file
 * passes maxBytes. Files are only ever appended to, so a reader parses only what was added since its last read.
 * A line torn by a crash is skipped and named, never a reason to read nothing.
 */
public final class ActivityLog {

    private static final Logger LOG = LoggerFactory.getLogger(ActivityLog.class);

    /** Every activity that could be read, oldest first, and one line per file with lines that could not. */
    public record Read(List<Activity> activities, List<String> problems) {
    }

    /** A time appends failed, ended by the append at until: how many lines it left out, and why the first failed. */
    private record Gap(Instant until, long leftOut, String reason) {
    }

    /** What was parsed of one file: up to offset (always the end of a complete line); dropped: its oldest, no longer held. */
    private record Parsed(Object fileKey, long offset, int lines, List<Activity> activities, List<String> torn, int dropped) {
    }

    private final Path dir;
    private final long maxBytes;
    private final InstantText times = new InstantText();
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
    private final ObjectReader reader = json.readerFor(Activity.class);
    private final List<Consumer<Activity>> listeners = new CopyOnWriteArrayList<>();
    private final Map<Path, Parsed> parsed = new HashMap<>();
    /** A month's file: activity-YYYY-MM.jsonl, then activity-YYYY-MM.N.jsonl past the rotate size. */
    private static final Pattern FILE = Pattern.compile("activity-\\d{4}-\\d{2}(\\.\\d+)?\\.jsonl");
    /** A moved or deleted log file is noticed within this many appends. */
    private static final int RECHECK_EVERY = 1000;
    private static final JsonStringEncoder QUOTING = JsonStringEncoder.getInstance();
    private FileChannel out;
    private Path outFile;
    private String outMonth;
    private long outSize;
    private long appends;
    /** While appends fail: why the first of them did, and how many lines were left out since. */
    private String failing;
    private long leftOut;
    /** The last gaps that ended, newest last: a pass asks which of them fell in it. */
    private final Deque<Gap> gaps = new ArrayDeque<>();
    private static final int GAPS_KEPT = 16;

    /** Requests held at most by default (offsite.activity.held-requests, about 170 bytes each): a heap bound whatever the traffic. */
    public static final int HELD = 400_000;

    private final int held;

    public ActivityLog(Path dir, long maxBytes) {
        this(dir, maxBytes, HELD);
    }

    /** held: the newest requests kept in memory; past it the oldest go, down to nine tenths of it, so few reads copy. */
    public ActivityLog(Path dir, long maxBytes, int held) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.held = held;
    }

    /** Also tells the listener (metrics, live page) of every activity. */
    public void listen(Consumer<Activity> listener) {
        listeners.add(listener);
    }

    /** Thread-safe: the line is made outside the lock, which only orders the writes. */
    public void append(Activity activity) {
        String month = times.month(activity.time());
        write(month, line(activity), activity.time());
        listeners.forEach(l -> l.accept(activity));
    }

    /**
     * One activity as a line of JSON, the record's fields in order, as binding it writes them: built here, with
     * Jackson's quoting of each string, since it runs for every S3 request.
     */
    private byte[] line(Activity a) {
        StringBuilder line = new StringBuilder(256).append('{');
        field(line, "time", times.of(a.time())).append(',');
        field(line, "pipeline", a.pipeline()).append(',');
        field(line, "operation", a.operation()).append(',');
        field(line, "key", a.key()).append(',');
        line.append("\"bytesSent\":").append(a.bytesSent()).append(",\"bytesReceived\":").append(a.bytesReceived())
                .append(",\"millis\":").append(a.millis()).append(',');
        field(line, "outcome", a.outcome());
        return line.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder field(StringBuilder line, String name, String value) {
        line.append('"').append(name).append("\":");
        if (value == null) {
            return line.append("null");
        }
        line.append('"');
        QUOTING.quoteAsString(value, line);
        return line.append('"');
    }

    private synchronized void write(String month, byte[] line, Instant time) {
        try {
            if (out == null || !month.equals(outMonth) || outSize >= maxBytes || ++appends % RECHECK_EVERY == 0 && !Files.exists(outFile)) {
                reopen(month);
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                outSize += out.write(buffer);
            }
            if (failing != null) {
                LOG.info("the activity log in {} is written again; {} request(s) before this were not recorded", dir, leftOut);
                if (gaps.size() == GAPS_KEPT) {
                    gaps.removeFirst();
                }
                gaps.addLast(new Gap(time, leftOut, failing));
                failing = null;
                leftOut = 0;
            }
        } catch (IOException e) {
            // a record of the requests, not the requests: a full or broken disk must not fail the upload it describes
            closeQuietly();
            leftOut++;
            if (failing == null) {
                failing = "cannot append to the activity log in " + dir + ": " + e.getMessage();
                LOG.warn("{}; the requests go on, not recorded until it can be written again", failing);
            }
        }
    }

    /**
     * Why requests since from were not all recorded, else null: appends failing now, or failures that ended at or
     * after from (a disk that filled and was freed during a pass), with how many lines they left out.
     */
    public synchronized String unrecordedSince(Instant from) {
        if (failing != null) {
            return failing;
        }
        List<Gap> since = gaps.stream().filter(g -> !g.until().isBefore(from)).toList();
        if (since.isEmpty()) {
            return null;
        }
        long lines = since.stream().mapToLong(Gap::leftOut).sum();
        return "the activity log in " + dir + " missed " + lines + " request(s) while it could not be written (" + since.get(0).reason()
                + "); it is written again";
    }

    /**
     * The file to append to stays open between requests (20,000 small files make 20,000 requests): opened anew for a
     * new month, a full file, or when it was moved away. A crash mid-write left a line without its end: the next one
     * starts on a line of its own rather than finishing that one.
     */
    private void reopen(String month) throws IOException {
        closeQuietly();
        Files.createDirectories(dir);
        Path file = current(month);
        boolean torn = endsTorn(file);
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        outFile = file;
        outMonth = month;
        outSize = out.size();
        if (torn) {
            outSize += out.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // reopened on the next append
            }
            out = null;
        }
    }

    private static boolean endsTorn(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return false;
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(f.length() - 1);
            return f.read() != '\n';
        }
    }

    private Path current(String month) throws IOException {
        Path file = dir.resolve("activity-" + month + ".jsonl");
        for (int n = 2; Files.exists(file) && Files.size(file) >= maxBytes; n++) {
            file = dir.resolve("activity-" + month + "." + n + ".jsonl");
        }
        return file;
    }

    /** The activities read() holds (this month's and last month's), oldest first; lines that cannot be read are left out. */
    public List<Activity> readAll() {
        return read().activities();
    }

    /**
     * The activities of the newest month recorded and the month before it, oldest first, and what could not be read:
     * what the page shows (this month's traffic and cost, the last run, the newest requests). Older months stay on disk
     * and out of memory, so a process that runs for years holds two months at most. Only complete lines count: a last
     * line without its end may still be being written, and is read once it is whole.
     */
    public Read read() {
        synchronized (parsed) { // apart from append's lock: a long first read must not hold up the requests being recorded
            return readFiles();
        }
    }

    private Read readFiles() {
        List<Activity> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Read(out, problems);
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = recentMonths(list.filter(p -> FILE.matcher(p.getFileName().toString()).matches())
                    .sorted(ActivityLog::byMonthThenNumber).toList());
        } catch (IOException e) {
            return new Read(out, List.of("cannot list the activity log in " + dir + ": " + e.getMessage()));
        }
        parsed.keySet().retainAll(files);
        List<Path> readable = new ArrayList<>();
        for (Path f : files) {
            try {
                Parsed p = parse(f, parsed.get(f));
                parsed.put(f, p);
                readable.add(f);
                if (!p.torn().isEmpty()) {
                    problems.add(f + ": " + p.torn().size() + " line(s) not readable, left out (" + String.join(", ", p.torn().subList(0,
                            Math.min(5, p.torn().size()))) + (p.torn().size() > 5 ? ", ..." : "") + ")");
                }
            } catch (IOException e) {
                parsed.remove(f);
                problems.add(f + ": not readable, left out (" + e.getMessage() + ")");
            }
        }
        long dropped = dropOldest(readable);
        readable.forEach(f -> out.addAll(parsed.get(f).activities()));
        if (dropped > 0) {
            problems.add("the page counts the newest " + out.size() + " requests of the last two months; " + dropped + " older ones, kept in "
                    + dir + ", are left out of its totals and cost (raise offsite.activity.held-requests, with the heap, to hold them)");
        }
        return new Read(out, problems);
    }

    /** Past held requests, drops the oldest files' oldest down to nine tenths of it; how many are dropped in all. */
    private long dropOldest(List<Path> files) {
        long total = files.stream().mapToLong(f -> parsed.get(f).activities().size()).sum();
        long excess = total > held ? total - (held - held / 10) : 0;
        long dropped = 0;
        for (Path f : files) {
            Parsed p = parsed.get(f);
            int n = (int) Math.min(excess, p.activities().size());
            if (n > 0) {
                p = new Parsed(p.fileKey(), p.offset(), p.lines(), List.copyOf(p.activities().subList(n, p.activities().size())), p.torn(),
                        p.dropped() + n);
                parsed.put(f, p);
                excess -= n;
            }
            dropped += p.dropped();
        }
        return dropped;
    }

    /** Parses what the file gained since before (from the start when it is new or was replaced). */
    private Parsed parse(Path f, Parsed before) throws IOException {
        Object fileKey = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
        long size = Files.size(f);
        if (before == null || !Objects.equals(before.fileKey(), fileKey) || size < before.offset()) {
            before = new Parsed(fileKey, 0, 0, List.of(), List.of(), 0);
        }
        if (size == before.offset()) {
            return before;
        }
        List<Activity> activities = new ArrayList<>(before.activities());
        int dropped = before.dropped();
        List<String> torn = new ArrayList<>(before.torn());
        int lines = before.lines();
        long offset = before.offset();
        byte[] buffer = new byte[1 << 20];
        int filled = 0;
        try (FileChannel channel = FileChannel.open(f, StandardOpenOption.READ)) {
            channel.position(offset);
            long left = size - offset;
            while (left > 0) {
                if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2); // a line longer than the buffer
                }
                int n = channel.read(ByteBuffer.wrap(buffer, filled, (int) Math.min(buffer.length - filled, left)));
                if (n < 0) {
                    break;
                }
                left -= n;
                filled += n;
                int start = 0;
                for (int i = 0; i < filled; i++) {
                    if (buffer[i] != '\n') {
                        continue;
                    }
                    lines++;
                    Activity a = activity(buffer, start, i - start);
                    if (a != null) {
                        activities.add(a);
                        if (activities.size() > held) { // a month of more than held: its oldest go as it is read
                            int oldest = activities.size() - (held - held / 10);
                            activities.subList(0, oldest).clear();
                            dropped += oldest;
                        }
                    } else if (!new String(buffer, start, i - start, StandardCharsets.UTF_8).isBlank()) {
                        torn.add("line " + lines);
                    }
                    start = i + 1;
                }
                offset += start;
                System.arraycopy(buffer, start, buffer, 0, filled - start); // a line not yet ended waits for the next read
                filled -= start;
            }
        }
        return new Parsed(fileKey, offset, lines, List.copyOf(activities), List.copyOf(torn), dropped);
    }

    /** The activity on a line, or null when the line is torn or lacks a field every reader needs. */
    private Activity activity(byte[] line, int start, int length) {
        try {
            Activity a = reader.readValue(line, start, length);
            if (a.time() == null || a.pipeline() == null || a.operation() == null || a.outcome() == null) {
                return null;
            }
            // a few dozen pipelines, operations and outcomes repeat on every line: one copy each of what is kept for months
            return new Activity(a.time(), a.pipeline().intern(), a.operation().intern(), a.key(), a.bytesSent(), a.bytesReceived(),
                    a.millis(), a.outcome().intern());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Hands each readable activity of one month's files (any month on disk, held or not) to each, holding none of
     * them: the totals of months the page no longer holds. Returns the bytes of those files, which only grow.
     */
    public long readMonth(YearMonth month, Consumer<Activity> each) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> FILE.matcher(p.getFileName().toString()).matches() && month(p).equals(month))
                    .sorted(ActivityLog::byMonthThenNumber).toList();
        } catch (NoSuchFileException none) {
            return 0;
        }
        long bytes = 0;
        for (Path f : files) {
            try (BufferedReader lines = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    byte[] b = line.getBytes(StandardCharsets.UTF_8);
                    Activity a = activity(b, 0, b.length);
                    if (a != null) {
                        each.accept(a);
                    }
                }
            }
            bytes += Files.size(f);
        }
        return bytes;
    }

    /** Of files sorted by month, those of the newest month and the month before it. */
    static List<Path> recentMonths(List<Path> files) {
        if (files.isEmpty()) {
            return files;
        }
        YearMonth from = month(files.get(files.size() - 1)).minusMonths(1);
        return files.stream().filter(f -> !month(f).isBefore(from)).toList();
    }

    /** The month in a file's name: activity-YYYY-MM[.N].jsonl. */
    private static YearMonth month(Path file) {
        return YearMonth.parse(file.getFileName().toString().substring("activity-".length(), "activity-YYYY-MM".length()));
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
