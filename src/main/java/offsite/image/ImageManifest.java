package offsite.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * PREFIX/ID/manifest.json, written last: a backup without it is incomplete and never used. host names the machine
 * whose backup it is (offsite.image.host; null in backups made before hosts were named). scrubbedFiles counts the
 * secret files whose base copy is scrubbed, with or without a secret archive holding their originals (null in
 * manifests written before it was kept); unreadableSecrets the secret files left out of both the base and the secret
 * archive because this process could not read them (null when none, and in manifests written before it was kept). Other tools may add fields; they are kept out of the way, not refused.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageManifest(String id, String created, String type, String base, String imageSha256, String host,
        List<StoredObject> objects, Integer scrubbedFiles, Integer unreadableSecrets) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One object of the backup: size and sha256 are of the stored bytes; contentSize is what a zstd object
     * decompresses to (null in manifests written before it was kept, and for objects stored as they are).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StoredObject(String key, String role, String compression, long size, String sha256, Long contentSize) {
        public StoredObject {
            require(key, "objects[].key");
            if (!Set.of("full", "delta", "secret").contains(role)) {
                throw new IllegalArgumentException("objects[].role is '" + role + "' (expected full, delta or secret)");
            }
            if (!Set.of("zstd", "none").contains(compression)) {
                throw new IllegalArgumentException("objects[].compression is '" + compression + "' (expected zstd or none)");
            }
            require(sha256, "objects[].sha256");
            if (size < 0) {
                throw new IllegalArgumentException("objects[].size of " + key + " is " + size + " (expected 0 or more)");
            }
            if (contentSize != null && contentSize < 0) {
                throw new IllegalArgumentException("objects[].contentSize of " + key + " is " + contentSize + " (expected 0 or more)");
            }
        }
    }

    public ImageManifest {
        require(id, "id");
        require(created, "created");
        Instant.parse(created);
        if (!"full".equals(type) && !"diff".equals(type)) {
            throw new IllegalArgumentException("type is '" + type + "' (expected full or diff)");
        }
        if ("diff".equals(type)) {
            require(base, "base (a diff names its complete image)");
        }
        require(imageSha256, "imageSha256");
        objects = List.copyOf(objects == null ? List.of() : objects);
        if (scrubbedFiles != null && scrubbedFiles < 0) {
            throw new IllegalArgumentException("scrubbedFiles is " + scrubbedFiles + " (expected 0 or more)");
        }
        if (unreadableSecrets != null && unreadableSecrets < 0) {
            throw new IllegalArgumentException("unreadableSecrets is " + unreadableSecrets + " (expected 0 or more)");
        }
    }

    public boolean full() {
        return "full".equals(type);
    }

    public StoredObject object(String role) {
        return objects.stream().filter(o -> o.role().equals(role)).findFirst().orElse(null);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("manifest " + id + " cannot be written", e);
        }
    }

    /** Parses a manifest; the error names the source and what is wrong, never the whole content. */
    public static ImageManifest parse(byte[] json, String source) {
        try {
            return JSON.readValue(json, ImageManifest.class);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException || e.getCause() instanceof DateTimeException
                    ? e.getCause() : e;
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException("manifest " + source + " does not parse: " + why);
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("manifest field " + field + " is missing");
        }
    }
}
