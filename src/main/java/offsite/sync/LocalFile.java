package offsite.sync;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A file of the backup set as seen by a scan; relativePath uses '/' and becomes the key under the prefix. changed
 * (the inode change time, ctime) and inode tell an edit that kept size and modification time, or a file replaced by
 * another: null and -1 where the filesystem does not say.
 */
public record LocalFile(String relativePath, Path path, long size, Instant modified, Instant changed, long inode) {

    public LocalFile {
        if (relativePath == null || relativePath.isEmpty() || relativePath.startsWith("/")) {
            throw new IllegalArgumentException("relative path expected, got '" + relativePath + "'");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size of " + relativePath + " is negative: " + size);
        }
    }

    /** A file whose change time and inode are not known. */
    public LocalFile(String relativePath, Path path, long size, Instant modified) {
        this(relativePath, path, size, modified, null, -1);
    }
}
