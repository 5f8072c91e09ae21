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
import java.util.HashSet;
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
    /** The first line of the current format; a file without it is the oldest one (no ctime, inode or hash time). */
    static final String HEADER = "# offsite hash-cache 3: size, mtime ms, ctime ns, inode, part size, threshold, hashed at ms, etag, md5,"
            + " uploaded as, path";
    /** The first line of the format before (no md5, no uploaded-as ETag). */
    static final String HEADER_2 = "# offsite hash-cache 2: size, mtime ms, ctime ns, inode, part size, threshold, hashed at ms, etag, path";
    private static final Pattern ETAG = Pattern.compile("[0-9a-f]{32}(-[1-9][0-9]{0,4})?");
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");
    /** An ETag as a server gives it where it is no MD5: printable ASCII without spaces. */
    private static final Pattern SERVER_ETAG = Pattern.compile("[!-~]{1,200}");
    /** A field with nothing known. */
    private static final String NONE = "-";
    /** An unknown change time or inode (a filesystem that does not tell, or an entry of the older format). */
    private static final long UNKNOWN = -1;

    /**
     * What an ETag was taken from, and when. md5: the whole file's MD5 where known (the ETag itself for a single PUT's
     * shape); uploadedAs: the ETag the server returned when this content was uploaded (null when unknown), which is what
     * compares where ETags are not MD5s. legacy: of the oldest format, matched by size and mtime alone until used once.
     */
    private record Entry(long size, long modifiedMillis, long changedNanos, long inode, long partSize, long threshold, long hashedAtMillis,
            String etag, String md5, String uploadedAs, boolean legacy) {

        /** The same file state: the entry still describes the file it was made for. */
        boolean sameFile(Entry other) {
            return other != null && size == other.size && modifiedMillis == other.modifiedMillis && changedNanos == other.changedNanos
                    && inode == other.inode && partSize == other.partSize && threshold == other.threshold;
        }
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
        int fields = 0; // the oldest format: no header
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
            if (number == 1 && (HEADER.equals(line) || HEADER_2.equals(line))) {
                fields = HEADER.equals(line) ? 11 : 9;
                continue;
            }
            if (line == null || !parse(line, fields)) {
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

    /**
     * Takes one line of a format with this many fields (0: the oldest); false when it is damaged (a field missing or not a
     * number, an ETag of no S3 form, a bad escape).
     */
    private boolean parse(String line, int fields) {
        try {
            if (fields == 0) { // size, mtime, part size, threshold, etag, raw path (tabs in it kept; a newline had split it)
                String[] f = line.split("\t", 6);
                if (f.length != 6 || !ETAG.matcher(f[4]).matches()) {
                    return false;
                }
                entries.put(f[5], new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), UNKNOWN, UNKNOWN, Long.parseLong(f[2]),
                        Long.parseLong(f[3]), 0, f[4], null, null, true));
                return true;
            }
            String[] f = line.split("\t", -1);
            if (f.length != fields || !ETAG.matcher(f[7]).matches()) {
                return false;
            }
            String md5 = fields == 11 ? known(f[8]) : null;
            String uploadedAs = fields == 11 ? known(f[9]) : null;
            String path = unescape(f[fields - 1]);
            if (path == null || path.isEmpty() || md5 != null && !MD5.matcher(md5).matches()
                    || uploadedAs != null && !SERVER_ETAG.matcher(uploadedAs).matches()) {
                return false;
            }
            entries.put(path, new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), f[7], md5, uploadedAs, false));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String known(String field) {
        return NONE.equals(field) ? null : field;
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
        Entry entry = entry(local, shape);
        return entry == null ? null : entry.etag;
    }

    /**
     * The entry for this very file, or null; an entry of the oldest format takes on the file's change time and inode.
     * Callers have waited for the entries (loaded()).
     */
    private Entry entry(LocalFile local, UploadShape shape) {
        String path = local.path().toString();
        Entry cached = entries.get(path);
        if (cached == null || cached.size != local.size() || cached.modifiedMillis != local.modified().toEpochMilli()
                || cached.partSize != shape.partSize() || cached.threshold != shape.multipartThreshold()) {
            return null;
        }
        if (cached.legacy) {
            dirty = true;
            Entry upgraded = new Entry(cached.size, cached.modifiedMillis, nanos(local.changed()), local.inode(), cached.partSize,
                    cached.threshold, 0, cached.etag, null, null, false);
            entries.put(path, upgraded);
            return upgraded;
        }
        return cached.changedNanos == nanos(local.changed()) && cached.inode == local.inode() ? cached : null;
    }

    /**
     * The whole file's MD5 (hex): its ETag for a single PUT's shape; for a multipart shape from the cache, or hashed
     * (the file read once for its MD5 and its multipart ETag, both kept).
     */
    public String md5(LocalFile local, UploadShape shape) throws IOException {
        loaded();
        if (!shape.multipart(local.size())) {
            return etag(local, shape);
        }
        Entry entry = entry(local, shape);
        if (entry != null && entry.md5 != null) {
            return entry.md5;
        }
        LocalEtag.Digests digests = LocalEtag.digests(local.path(), shape.partSizeFor(local.size()));
        bytesHashed.addAndGet(local.size());
        remember(local, shape, digests.etag(), digests.md5(), null);
        return digests.md5();
    }

    /** The ETag the server returned when the file's current content was uploaded; null when not known. */
    public String uploadedAs(LocalFile local, UploadShape shape) {
        loaded();
        Entry entry = entry(local, shape);
        return entry == null ? null : entry.uploadedAs;
    }

    /** Records an ETag learnt another way, such as while uploading the file. */
    public void remember(LocalFile local, UploadShape shape, String etag) {
        remember(local, shape, etag, null, null);
    }

    /**
     * Records the file's ETag and, where known (else null), its whole MD5 and the ETag the server returned for this
     * content. What is not given is kept from the entry for the same file state and ETag.
     */
    public void remember(LocalFile local, UploadShape shape, String etag, String md5, String uploadedAs) {
        loaded();
        dirty = true;
        // kept only where they say more than the ETag: where ETags are MD5s both fields stay empty, as in the format before
        String whole = etag.equals(md5) ? null : md5;
        String given = etag.equals(uploadedAs) ? null : uploadedAs;
        Entry entry = new Entry(local.size(), local.modified().toEpochMilli(), nanos(local.changed()), local.inode(), shape.partSize(),
                shape.multipartThreshold(), clock.millis(), etag, whole, given, false);
        entries.compute(local.path().toString(), (path, before) -> before != null && !before.legacy && entry.sameFile(before)
                && before.etag.equals(etag) ? new Entry(entry.size, entry.modifiedMillis, entry.changedNanos, entry.inode, entry.partSize,
                entry.threshold, entry.hashedAtMillis, etag, whole != null ? whole : before.md5, given != null ? given : before.uploadedAs,
                false) : entry);
    }

    /**
     * Records that the object listed with this ETag holds the file's current content (a plan found them equal), so a
     * later plan compares by it without asking the server; only while the cache knows the file as it is, and only an
     * ETag other than the local one (where ETags are MD5s nothing changes: the cache is not written for it).
     */
    public void uploadedAs(LocalFile local, UploadShape shape, String serverEtag) {
        loaded();
        Entry entry = entry(local, shape);
        if (entry != null && !serverEtag.equals(entry.uploadedAs) && !serverEtag.equals(entry.etag) && SERVER_ETAG.matcher(serverEtag).matches()) {
            dirty = true;
            entries.put(local.path().toString(), new Entry(entry.size, entry.modifiedMillis, entry.changedNanos, entry.inode, entry.partSize,
                    entry.threshold, entry.hashedAtMillis, entry.etag, entry.md5, serverEtag, false));
        }
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

    /**
     * Forgets files no longer in the source (a groomed set's deleted chunks), so the cache holds the set as it is rather
     * than every file it ever had: a process that runs for years would otherwise grow with each name the set ever used.
     */
    public void keepOnly(Collection<LocalFile> files) {
        loaded();
        Set<String> present = new HashSet<>();
        files.forEach(f -> present.add(f.path().toString()));
        if (entries.keySet().retainAll(present)) {
            dirty = true;
        }
    }

    /** Writes the cache when this run changed it (a night without changes leaves the file of 100,000 lines alone). */
    public void save() throws IOException {
        loaded();
        if (!dirty && Files.exists(file)) {
            return;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            write(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp); // a disk that filled up mid-write: the cache before stays whole, no stray copy beside it
        }
        dirty = false;
    }

    /** The file under this name. */
    public Path file() {
        return file;
    }

    private void write(Path tmp) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write(HEADER + "\n");
            for (var e : entries.entrySet()) {
                Entry v = e.getValue();
                if (v.legacy) {
                    continue; // not met in this run's scans: its file is gone or changed
                }
                out.write(v.size + "\t" + v.modifiedMillis + "\t" + v.changedNanos + "\t" + v.inode + "\t" + v.partSize + "\t" + v.threshold
                        + "\t" + v.hashedAtMillis + "\t" + v.etag + "\t" + (v.md5 == null ? NONE : v.md5) + "\t"
                        + (v.uploadedAs == null ? NONE : v.uploadedAs) + "\t" + escape(e.getKey()) + "\n");
            }
        }
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
