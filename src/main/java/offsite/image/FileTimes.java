package offsite.image;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Sets a path's mtime with utimensat, without opening it and without following a symlink: java.nio opens the
 * path to set times, which blocks on a FIFO until a writer comes (and would open a device node).
 */
final class FileTimes {

    private FileTimes() {
    }

    /** The mtime in whole seconds; the atime is left as it is. */
    static void setModified(Path path, long seconds) throws IOException {
        try {
            LibC.INSTANCE.utimensat(LibC.AT_FDCWD, LibC.path(path), new long[] {0, LibC.UTIME_OMIT, seconds, 0}, LibC.AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw new IOException("cannot set the modification time of " + path + ": " + LibC.reason(e));
        }
    }
}
