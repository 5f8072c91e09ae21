package offsite.offline;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Path;
import offsite.files.PathBytes;

/**
 * The libc calls the offline copy needs and java.nio lacks (posix_fadvise, syncfs, statvfs), bound with JNA once.
 * Paths go over as their own bytes, NUL-terminated (see {@link #path}). Failures throw {@link LastErrorException}
 * carrying errno; loading fails with a LinkageError where there is no libc to bind.
 */
interface DriveCalls extends Library {

    DriveCalls INSTANCE = Native.load("c", DriveCalls.class);

    int open(byte[] path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    /** Returns the error number itself (0 when done), not -1 and errno. */
    int posix_fadvise(int fd, long offset, long len, int advice);

    int syncfs(int fd) throws LastErrorException;

    /** buf: at least sizeof(struct statvfs) bytes (112 on 64-bit Linux). */
    int statvfs(byte[] path, byte[] buf) throws LastErrorException;

    String strerror(int errnum);

    /** The path's own bytes, made absolute, with the NUL a C string ends in. */
    static byte[] path(Path path) {
        byte[] bytes = PathBytes.of(path);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }
}
