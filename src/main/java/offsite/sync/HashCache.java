package offsite.sync;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local ETags kept in one file under the data directory, so a night where nothing changed hashes nothing. An entry
 * holds only while its file is the one hashed: same path, size, modification time, change time (ctime) and inode, and
 * the same upload shape; an edit that restores the modification time still moves the change time. Each entry also
 * says when its file was last hashed, so offsite.sync.rehash-percent can re-hash those hashed longest ago. Read
 * tolerantly (a damaged line is dropped, named in one WARN, and its file hashed again); saved by write-then-rename.
 */
public final class HashCache {

    private static final Logger LOG = LoggerFactory.getLogger(HashCache.class);
    /** The first line of the current format; a file without it is the older one (no ctime, inode or hash time). */
    static final String HEADER = "# offsite hash-cache 2: size, mtime ms, ctime ns, inode, part size, threshold, hashed at ms, etag, path";
    private static final Pattern ETAG = Pattern.compile("[0-9a-f]{32}(-[1-9][0-9]{0,4})?");
    /** An unknown change time or inode (a filesystem that does not tell, or an entry of the older format). */
    private static final long UNKNOWN = -1;

    /** What an ETag was taken from, and when. legacy: of the older format, matched by size and mtime alone until used once. */
    private record Entry(long size, long modifiedMillis, long changedNanos, long inode, long partSize, long threshold, long hashedAtMillis,
            String etag, boolean legacy) {
    }

    private final Path file;
    private final double rehashPercent;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytesHashed = new AtomicLong();

    /** Whether the entries differ from the file: set by every change, cleared by save. */
    private volatile boolean dirty;
    /** The file's lines parsed apart from the start-up: 100,000 of them took a second of a one-shot command's start. */
    private final CompletableFuture<Void> loaded;

    /** rehashPercent: the share of the set's bytes re-hashed each night although cached (offsite.sync.rehash-percent). */
    public HashCache(Path file, double rehashPercent, Clock clock) throws IOException {
        if (rehashPercent < 0 || rehashPercent > 100) {
            throw new IllegalArgumentException("rehash percent " + rehashPercent + " is not from 0 to 100");
        }
        this.file = file;
        this.rehashPercent = rehashPercent;
        this.clock = clock;
        byte[] bytes = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
        loaded = CompletableFuture.runAsync(() -> read(bytes), r -> {
            Thread t = new Thread(r, "hash-cache-load");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Waits for the file's entries: every use of the cache comes after them. */
    private void loaded() {
        loaded.join();
    }

    private void read(byte[] bytes) {
        List<Integer> damaged = new ArrayList<>();
        boolean legacy = true;
        int number = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            number++;
            String line = utf8(bytes, start, end);
            start = end + 1;
            if (line != null && line.isEmpty()) {
                continue;
            }
            if (number == 1 && HEADER.equals(line)) {
                legacy = false;
                continue;
            }
            if (line == null || !parse(line, legacy)) {
                damaged.add(number);
            }
        }
        if (!damaged.isEmpty()) {
            dirty = true; // written again without them
            LOG.warn("{}: {} damaged line(s) dropped (line {}); their files are hashed again", file, damaged.size(),
                    damaged.size() <= 10 ? damaged.toString().replaceAll("[\\[\\]]", "") : damaged.subList(0, 10).toString()
                            .replaceAll("[\\[\\]]", "") + ", ...");
        }
    }

    /** The line as strict UTF-8, or null when it is not (a byte changed on disk): that line alone is lost. */
    private static String utf8(byte[] bytes, int start, int end) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Takes one line; false when it is damaged (a field missing or not a number, an ETag of no S3 form, a bad escape). */
    private boolean parse(String line, boolean legacy) {
        try {
            if (legacy) { // size, mtime, part size, threshold, etag, raw path (tabs in it kept; a newline had split it)
                String[] f = line.split("\t", 6);
                if (f.length != 6 || !ETAG.matcher(f[4]).matches()) {
                    return false;
                }
                entries.put(f[5], new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), UNKNOWN, UNKNOWN, Long.parseLong(f[2]),
                        Long.parseLong(f[3]), 0, f[4], true));
                return true;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 9 || !ETAG.matcher(f[7]).matches()) {
                return false;
            }
            String path = unescape(f[8]);
            if (path == null || path.isEmpty()) {
                return false;
            }
            entries.put(path, new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), f[7], false));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The file's ETag for this shape: from the cache when the entry still describes this file, hashed otherwise. */
    public String etag(LocalFile local, UploadShape shape) throws IOException {
        loaded();
        String known = known(local, shape);
        return known != null ? known : rehash(local, shape);
    }

    /** Hashes the file afresh, whatever the cache holds, and keeps the result. */
    public String rehash(LocalFile local, UploadShape shape) throws IOException {
        loaded();
        String etag = LocalEtag.of(local.path(), local.size(), shape);
        bytesHashed.addAndGet(local.size());
        remember(local, shape, etag);
        return etag;
    }

    /**
     * The file's ETag for this shape when the cache holds it for this very file (path, size, mtime, ctime, inode);
     * null otherwise, nothing read. An entry of the older format matches by size and mtime once, and then takes on the
     * file's change time and inode (it is as trusted as it was before, and re-hashed first by the rehash share).
     */
    public String known(LocalFile local, UploadShape shape) {
        loaded();
        String path = local.path().toString();
        Entry cached = entries.get(path);
        if (cached == null || cached.size != local.size() || cached.modifiedMillis != local.modified().toEpochMilli()
                || cached.partSize != shape.partSize() || cached.threshold != shape.multipartThreshold()) {
            return null;
        }
        if (cached.legacy) {
            dirty = true;
            entries.put(path, new Entry(cached.size, cached.modifiedMillis, nanos(local.changed()), local.inode(), cached.partSize,
                    cached.threshold, 0, cached.etag, false));
            return cached.etag;
        }
        return cached.changedNanos == nanos(local.changed()) && cached.inode == local.inode() ? cached.etag : null;
    }

    /** Records an ETag learnt another way, such as while uploading the file. */
    public void remember(LocalFile local, UploadShape shape, String etag) {
        loaded();
        dirty = true;
        entries.put(local.path().toString(), new Entry(local.size(), local.modified().toEpochMilli(), nanos(local.changed()), local.inode(),
                shape.partSize(), shape.multipartThreshold(), clock.millis(), etag, false));
    }

    /**
     * The files (relative paths) tonight re-hashes although the cache knows them: offsite.sync.rehash-percent of the
     * bytes of these files, those hashed longest ago first. Empty at 0 percent: a night without changes hashes nothing.
     */
    public Set<String> dueForRehash(Collection<LocalFile> files, UploadShape shape) {
        loaded();
        return RehashShare.choose(files, f -> {
            Entry e = known(f, shape) == null ? null : entries.get(f.path().toString());
            return e == null ? null : Instant.ofEpochMilli(e.hashedAtMillis);
        }, rehashPercent);
    }

    public long bytesHashed() {
        return bytesHashed.get();
    }

    /** Writes the cache when this run changed it (a night without changes leaves the file of 100,000 lines alone). */
    public void save() throws IOException {
        loaded();
        if (!dirty && Files.exists(file)) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write(HEADER + "\n");
            for (var e : entries.entrySet()) {
                Entry v = e.getValue();
                if (v.legacy) {
                    continue; // not met in this run's scans: its file is gone or changed
                }
                out.write(v.size + "\t" + v.modifiedMillis + "\t" + v.changedNanos + "\t" + v.inode + "\t" + v.partSize + "\t" + v.threshold
                        + "\t" + v.hashedAtMillis + "\t" + v.etag + "\t" + escape(e.getKey()) + "\n");
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        dirty = false;
    }

    private static long nanos(Instant t) {
        return t == null ? UNKNOWN : t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** A path on one line and in one field: backslash, tab, newline and carriage return written as \\, \t, \n, \r. */
    static String escape(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (char c : path.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The path escape() wrote; null for an escape it never writes (a damaged line). */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == field.length()) {
                return null;
            }
            switch (field.charAt(i)) {
                case '\\' -> out.append('\\');
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                default -> {
                    return null;
                }
            }
        }
        return out.toString();
    }
}
