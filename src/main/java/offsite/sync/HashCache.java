package offsite.sync;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Local ETags keyed by path, size, modification time and upload shape, kept in one file under the data
 * directory, so a night where nothing changed hashes nothing. Saved by write-then-rename: never half-written.
 */
public final class HashCache {

    private record Entry(long size, long modifiedMillis, long partSize, long threshold, String etag) {
    }

    private final Path file;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytesHashed = new AtomicLong();

    public HashCache(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split("\t", 6);
                if (f.length == 6) {
                    try {
                        entries.put(f[5], new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                                Long.parseLong(f[3]), f[4]));
                    } catch (NumberFormatException ignored) {
                        // a damaged line only costs a re-hash of that file
                    }
                }
            }
        }
    }

    /** The file's ETag for this shape: from the cache when path, size and mtime match, hashed otherwise. */
    public String etag(LocalFile local, UploadShape shape) throws IOException {
        String known = known(local, shape);
        if (known != null) {
            return known;
        }
        String etag = LocalEtag.of(local.path(), local.size(), shape);
        bytesHashed.addAndGet(local.size());
        remember(local, shape, etag);
        return etag;
    }

    /** The file's ETag for this shape when the cache holds it for this path, size and mtime; null otherwise (nothing read). */
    public String known(LocalFile local, UploadShape shape) {
        Entry cached = entries.get(local.path().toString());
        if (cached != null && cached.size == local.size() && cached.modifiedMillis == local.modified().toEpochMilli()
                && cached.partSize == shape.partSize() && cached.threshold == shape.multipartThreshold()) {
            return cached.etag;
        }
        return null;
    }

    /** Records an ETag learnt another way, such as while uploading the file. */
    public void remember(LocalFile local, UploadShape shape, String etag) {
        entries.put(local.path().toString(), new Entry(local.size(), local.modified().toEpochMilli(), shape.partSize(),
                shape.multipartThreshold(), etag));
    }

    public long bytesHashed() {
        return bytesHashed.get();
    }

    public void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (var e : entries.entrySet()) {
                Entry v = e.getValue();
                out.write(v.size + "\t" + v.modifiedMillis + "\t" + v.partSize + "\t" + v.threshold + "\t" + v.etag + "\t"
                        + e.getKey() + "\n");
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
