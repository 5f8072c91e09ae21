package offsite.image;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;

/** Makes FIFOs and device nodes, which java.nio cannot: mkfifo and mknod. The mode is then set by the caller. */
final class SpecialFiles {

    /** __xmknod's version argument on the 64-bit architectures (_MKNOD_VER_LINUX). */
    private static final int MKNOD_VERSION = 0;
    private static volatile boolean oldGlibc;

    private SpecialFiles() {
    }

    static void fifo(Path path) throws IOException {
        try {
            LibC.INSTANCE.mkfifo(LibC.path(path), 0600);
        } catch (LastErrorException e) {
            throw new IOException("cannot make the FIFO " + path + ": " + LibC.reason(e));
        }
    }

    /** A character (kind S_IFCHR) or block (S_IFBLK) device node. */
    static void device(Path path, int kind, int major, int minor) throws IOException {
        long dev = FileStatus.device(major, minor);
        try {
            if (!oldGlibc) {
                try {
                    LibC.INSTANCE.mknod(LibC.path(path), kind | 0600, dev);
                    return;
                } catch (UnsatisfiedLinkError e) {
                    oldGlibc = true; // before glibc 2.33, mknod is an inline wrapper of __xmknod
                }
            }
            LibC.INSTANCE.__xmknod(MKNOD_VERSION, LibC.path(path), kind | 0600, new long[] {dev});
        } catch (LastErrorException e) {
            throw new IOException("cannot make the device node " + path + " (" + major + "," + minor + "): " + LibC.reason(e));
        }
    }
}
