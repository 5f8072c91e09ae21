package offsite.offline;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The free inodes (file entries) of the drive holding a path, from statvfs(3) bound with JNA: java.nio's FileStore counts
 * bytes only, and a drive with blocks left but no inodes fails every new file and folder ("No space left on device").
 */
final class DriveInodes {

    /** What statvfs told: -1 for both where the file system keeps no count of inodes or the call could not be made. */
    record Count(long available, long total) {

        static final Count UNKNOWN = new Count(-1, -1);

        boolean known() {
            return total > 0;
        }
    }

    /** struct statvfs: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_favail, ... each a C long. */
    private static final int F_FILES = 5;
    private static final int F_FAVAIL = 7;

    private DriveInodes() {
    }

    /**
     * The inodes an unprivileged process may still create (f_favail) and the drive's total; UNKNOWN where the file system
     * has no fixed number (FAT, exFAT and btrfs report 0), statvfs fails or this is not Linux: then only the blocks are
     * counted, as before.
     */
    static Count of(Path path) {
        if (!Platform.isLinux()) { // the struct's layout read below is Linux's (glibc, musl); macOS's has 32-bit counts
            return Count.UNKNOWN;
        }
        byte[] stat = new byte[256]; // larger than struct statvfs on any Linux (112 bytes on 64-bit)
        try {
            DriveCalls.INSTANCE.statvfs(DriveCalls.path(path), stat);
        } catch (LastErrorException | LinkageError e) { // no such path any more, or no libc to bind
            return Count.UNKNOWN;
        }
        ByteBuffer fields = ByteBuffer.wrap(stat).order(ByteOrder.nativeOrder());
        long total = field(fields, F_FILES);
        return total <= 0 ? Count.UNKNOWN : new Count(field(fields, F_FAVAIL), total);
    }

    private static long field(ByteBuffer fields, int index) {
        return Native.LONG_SIZE == 8 ? fields.getLong(index * 8) : Integer.toUnsignedLong(fields.getInt(index * 4));
    }
}
