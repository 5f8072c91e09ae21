package offsite.sync;

import java.nio.file.Path;
import java.time.Instant;

/** A file of the backup set as seen by a scan; relativePath uses '/' and becomes the key under the prefix. */
public record LocalFile(String relativePath, Path path, long size, Instant modified) {

    public LocalFile {
        if (relativePath == null || relativePath.isEmpty() || relativePath.startsWith("/")) {
            throw new IllegalArgumentException("relative path expected, got '" + relativePath + "'");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size of " + relativePath + " is negative: " + size);
        }
    }
}
