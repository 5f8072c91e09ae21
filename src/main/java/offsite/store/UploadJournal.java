package offsite.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import offsite.store.Bucket.PendingUpload;
import offsite.store.Bucket.StoredPart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multipart uploads this data directory has pending, with the parts each has stored, one file per upload
 * (a JSON line for the upload, then one per confirmed part, appended as it is confirmed). A cut or killed upload
 * resumes from it on a service without ListMultipartUploads or ListParts. A damaged file is named in a WARN and
 * set aside: the upload it described is then started afresh.
 */
public final class UploadJournal {

    private static final Logger LOG = LoggerFactory.getLogger(UploadJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".upload";

    private final Path dir;

    public UploadJournal(Path dir) {
        this.dir = dir;
    }

    /** md5: the whole content's MD5 (hex) the upload's md5chksum metadata holds, or null. */
    public synchronized void begin(String key, String uploadId, Instant initiated, String md5) {
        begin(key, uploadId, initiated, md5, null);
    }

    /** The same, with mtime, the text of the upload's mtime metadata (null: none). */
    public synchronized void begin(String key, String uploadId, Instant initiated, String md5, String mtime) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("key", key);
        head.put("uploadId", uploadId);
        head.put("initiated", initiated.toString());
        if (md5 != null) {
            head.put("md5", md5);
        }
        if (mtime != null) {
            head.put("mtime", mtime);
        }
        write(file(key, uploadId), line(head), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    public synchronized void part(String key, String uploadId, StoredPart part) {
        Path file = file(key, uploadId);
        if (!Files.exists(file)) {
            return; // an upload begun by another process or before the journal: the server's listing knows it
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("part", part.number());
        line.put("size", part.size());
        line.put("etag", part.etag());
        if (part.md5() != null) {
            line.put("md5", part.md5());
        }
        write(file, line(line), StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    public synchronized void end(String key, String uploadId) {
        try {
            Files.deleteIfExists(file(key, uploadId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the upload journal " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The journaled uploads whose key starts with prefix, oldest first. */
    public synchronized List<PendingUpload> pending(String prefix) {
        List<PendingUpload> out = new ArrayList<>();
        for (Entry e : entries()) {
            if (e.upload().key().startsWith(prefix)) {
                out.add(e.upload());
            }
        }
        out.sort(Comparator.comparing(PendingUpload::initiated, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    /** The parts journaled for an upload, empty when it is not journaled. */
    public synchronized Optional<List<StoredPart>> parts(String key, String uploadId) {
        return read(file(key, uploadId)).map(Entry::parts);
    }

    private record Entry(PendingUpload upload, List<StoredPart> parts) {
    }

    private List<Entry> entries() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                read(f).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload journal " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private Optional<Entry> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            JsonNode head = JSON.readTree(lines.get(0));
            PendingUpload upload = new PendingUpload(head.get("key").asText(), head.get("uploadId").asText(),
                    Instant.parse(head.get("initiated").asText()), head.hasNonNull("md5") ? head.get("md5").asText() : null,
                    head.hasNonNull("mtime") ? head.get("mtime").asText() : null);
            Map<Integer, StoredPart> parts = new TreeMap<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode p = JSON.readTree(line);
                    parts.put(p.get("part").asInt(), new StoredPart(p.get("part").asInt(), p.get("size").asLong(), p.get("etag").asText(),
                            p.hasNonNull("md5") ? p.get("md5").asText() : null));
                } catch (JsonProcessingException | RuntimeException torn) {
                    // the last line of a process killed while writing it: that part is sent again
                }
            }
            return Optional.of(new Entry(upload, List.copyOf(parts.values())));
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".damaged");
            LOG.warn("upload journal {} cannot be read ({}): set aside as {}; that upload starts afresh", file, e.getMessage(),
                    aside.getFileName());
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // read again next time
            }
            return Optional.empty();
        }
    }

    private Path file(String key, String uploadId) {
        return dir.resolve(sha1(key + "\n" + uploadId) + SUFFIX);
    }

    private void write(Path file, String line, StandardOpenOption... options) {
        try {
            Files.createDirectories(dir);
            Files.writeString(file, line, StandardCharsets.UTF_8, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the upload journal " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String line(Map<String, Object> fields) {
        try {
            return JSON.writeValueAsString(fields) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
