package offsite.image;

import java.nio.file.Path;

/** A file to put at a key, as the image-put route sends it. */
public record ObjectUpload(String key, Path file, String role, String compression, long size, String sha256) {
}
