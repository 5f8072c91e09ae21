package offsite.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import offsite.config.SettingError;
import offsite.store.Bucket.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this service's ETags are the MD5s of the bytes (S3 without SSE-KMS or SSE-C) or opaque (SSE-KMS, SSE-C,
 * some services), as offsite.s3.etag forces it or an upload shows it. Opaque once, opaque for the process: named in
 * {@link Fallbacks} and kept in the data directory, so the next process knows without a failed upload. Uploads then
 * carry the {@link #MD5_METADATA} metadata (rclone's name: the base64 MD5 of the whole content), and what compared
 * ETags compares it and sizes instead.
 */
public final class EtagForm {

    private static final Logger LOG = LoggerFactory.getLogger(EtagForm.class);

    /** offsite.s3.etag: tell from the uploads, or take ETags as MD5s, or as opaque, whatever the uploads show. */
    public enum Setting {
        AUTO, MD5, OPAQUE;

        public static Setting parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SettingError("offsite.s3.etag", value, "auto, md5 or opaque");
            }
        }
    }

    /** User metadata holding the base64 MD5 of the object's whole content, stored at upload (rclone's name). */
    public static final String MD5_METADATA = "md5chksum";
    /** The name under which Fallbacks lists it. */
    static final String FALLBACK = "MD5 ETags";

    private final Setting setting;
    private final Path state;
    private final String bucket;
    private final Fallbacks fallbacks;
    private volatile boolean opaque;

    /**
     * state: the file of the data directory that lists the buckets found to have opaque ETags, one name a line with
     * when; read under auto only (md5 forces MD5s, opaque forces opaque).
     */
    public EtagForm(Setting setting, Path state, String bucket, Fallbacks fallbacks) {
        this.setting = setting;
        this.state = state;
        this.bucket = bucket;
        this.fallbacks = fallbacks;
        if (setting == Setting.OPAQUE) {
            record("offsite.s3.etag=opaque");
        } else if (setting == Setting.AUTO && recorded()) {
            record("an earlier upload found it, as " + state + " records; offsite.s3.etag=md5 takes them as MD5s again");
        }
    }

    /** Whether ETags are known not to be MD5s: uploads carry md5chksum and are confirmed by it. */
    public boolean opaque() {
        return opaque;
    }

    /**
     * Whether an object's md5chksum may settle what its ETag did not (a HEAD): not under offsite.s3.etag=md5, which takes
     * every ETag for the MD5 it looks like.
     */
    public boolean readsMd5chksum() {
        return setting != Setting.MD5;
    }

    /** The md5chksum metadata for bytes of this MD5 (hex). */
    public static Map<String, String> metadata(String md5Hex) {
        return Map.of(MD5_METADATA, base64(md5Hex));
    }

    /** An MD5 in hex as Content-MD5 and md5chksum take it: base64 of its 16 bytes. */
    public static String base64(String md5Hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5Hex));
    }

    /** The MD5 (hex) the object's md5chksum holds; null when it has none, or none that is the base64 of 16 bytes. */
    public static String storedMd5(StoredObject object) {
        return storedMd5(object.metadata());
    }

    /** The MD5 (hex) an md5chksum in this metadata holds; null when there is none that is the base64 of 16 bytes. */
    static String storedMd5(Map<String, String> metadata) {
        String stored = metadata.get(MD5_METADATA);
        if (stored == null) {
            return null;
        }
        try {
            byte[] md5 = Base64.getDecoder().decode(stored.trim());
            return md5.length == 16 ? HexFormat.of().formatHex(md5) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Null when the object (as a HEAD found it) has this size and an md5chksum of this MD5; otherwise what differs. */
    public static String problem(Optional<StoredObject> head, long size, String md5Hex) {
        if (head.isEmpty()) {
            return "no object is there";
        }
        if (head.get().size() != size) {
            return "the object has " + head.get().size() + " bytes, not " + size;
        }
        String stored = storedMd5(head.get());
        if (stored == null) {
            return "the object has no " + MD5_METADATA + " metadata";
        }
        return stored.equalsIgnoreCase(md5Hex) ? null : "the object's " + MD5_METADATA + " is the MD5 " + stored + ", the bytes sent have " + md5Hex;
    }

    /**
     * After a PUT sent with Content-MD5 and md5chksum whose answer's ETag is not the MD5 of its bytes: whether the object
     * shows opaque ETags. It does when the service checked the body (Content-MD5 not refused) and a HEAD finds it whole,
     * with that size, that md5chksum and the ETag the answer gave: a lost answer or a torn body would not. Records it
     * (under auto) and returns true; returns false under md5, or on weaker evidence.
     */
    public boolean shownByObject(String key, long size, String md5Hex, String etag, Optional<StoredObject> head) {
        if (setting == Setting.MD5 || fallbacks.lacks("Content-MD5") || etag.equalsIgnoreCase(md5Hex) || problem(head, size, md5Hex) != null
                || !head.get().etag().equals(etag)) {
            return false;
        }
        found(key, "its Content-MD5 was checked and it is stored whole, yet its ETag " + etag + " is not its MD5 " + md5Hex);
        return true;
    }

    /**
     * After a part sent with Content-MD5 whose answer's ETag is not that MD5: the service checked the part's bytes (Content-MD5
     * not refused), so its ETags are not MD5s. Records it (under auto) and returns true; false under md5 or without the check.
     */
    public boolean shownByPart(String key, int number, String md5Hex, String etag) {
        if (setting == Setting.MD5 || fallbacks.lacks("Content-MD5") || etag == null || etag.equalsIgnoreCase(md5Hex)) {
            return false;
        }
        found(key, "part " + number + " had its Content-MD5 checked, yet its ETag " + etag + " is not its MD5 " + md5Hex);
        return true;
    }

    private synchronized void found(String key, String evidence) {
        if (opaque) {
            return;
        }
        LOG.warn("{}: {}: this service's ETags are not MD5s (SSE-KMS, SSE-C, or its own way); kept in {}", key, evidence, state);
        try {
            Files.createDirectories(state.getParent());
            Files.writeString(state, bucket + "\t" + Instant.now() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + state + ": " + e.getMessage(), e);
        }
        record("an upload found it");
    }

    private void record(String why) {
        opaque = true;
        fallbacks.use(FALLBACK, "objects are checked by their " + MD5_METADATA + " metadata (the MD5 stored at upload) and sizes ("
                + why + ")");
    }

    /** Whether the state file has a line for the bucket; a damaged line (bytes that are no UTF-8) costs only itself. */
    private boolean recorded() {
        if (!Files.exists(state)) {
            return false;
        }
        try {
            return new String(Files.readAllBytes(state), StandardCharsets.UTF_8).lines().anyMatch(line -> line.split("\t", 2)[0].equals(bucket));
        } catch (IOException e) {
            LOG.warn("{} cannot be read ({}): ETags are taken as MD5s until an upload shows otherwise", state, e.getMessage());
            return false;
        }
    }
}
