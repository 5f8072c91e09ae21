package offsite.image;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a regular file's data lies, as the filesystem tells with SEEK_DATA and SEEK_HOLE: the holes between the
 * extents are never read and take no room in the tar. A filesystem that does not track holes reports one extent.
 */
final class DataExtents {

    /** Bytes [offset, offset + length) of the file hold data. */
    record Extent(long offset, long length) {
    }

    private DataExtents() {
    }

    /** The data extents within the first size bytes, in order. */
    static List<Extent> of(Path path, long size) throws IOException {
        int fd;
        try {
            fd = LibC.INSTANCE.open(LibC.path(path), 0);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENOENT) {
                throw new NoSuchFileException(path.toString());
            }
            throw new IOException("cannot open " + path + ": " + LibC.reason(e));
        }
        try {
            List<Extent> out = new ArrayList<>();
            for (long pos = 0; pos < size; ) {
                long data = seek(fd, pos, LibC.SEEK_DATA, path);
                if (data < 0 || data >= size) {
                    break;
                }
                long hole = Math.min(size, seek(fd, data, LibC.SEEK_HOLE, path));
                out.add(new Extent(data, hole - data));
                pos = hole;
            }
            return out;
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    /** The offset lseek gives, or -1 when no data follows (ENXIO). */
    private static long seek(int fd, long offset, int whence, Path path) throws IOException {
        try {
            return LibC.INSTANCE.lseek64(fd, offset, whence);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENXIO) {
                return -1;
            }
            throw new IOException("cannot find the holes of " + path + ": " + LibC.reason(e));
        }
    }
}
