package offsite.image;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The few libc calls java.nio lacks, bound with JNA: statx (allocated blocks, ctime), extended attributes of
 * any namespace without following symlinks, data extents (SEEK_DATA/SEEK_HOLE), mkfifo, mknod, and account
 * names by id. Paths go over as NUL-terminated bytes, the path's own (not Java's re-encoding of its name, which
 * loses a byte that is not in the file-name encoding), so that the file Java listed is the file libc sees. Failures throw {@link LastErrorException} carrying errno.
 */
interface LibC extends Library {

    LibC INSTANCE = Native.load("c", LibC.class);

    int AT_FDCWD = -100;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int AT_EMPTY_PATH = 0x1000;
    int STATX_BASIC_STATS = 0x7ff;
    int SEEK_DATA = 3;
    int SEEK_HOLE = 4;
    long UTIME_OMIT = (1L << 30) - 2;
    int ENOENT = 2;
    int EACCES = 13;
    int ENXIO = 6;
    int ERANGE = 34;
    int ENOSYS = 38;
    int ENODATA = 61;
    int EOPNOTSUPP = 95;

    int statx(int dirfd, byte[] path, int flags, int mask, byte[] statx) throws LastErrorException;

    NativeLong llistxattr(byte[] path, byte[] list, NativeLong size) throws LastErrorException;

    NativeLong lgetxattr(byte[] path, byte[] name, byte[] value, NativeLong size) throws LastErrorException;

    int lsetxattr(byte[] path, byte[] name, byte[] value, NativeLong size, int flags) throws LastErrorException;

    int lremovexattr(byte[] path, byte[] name) throws LastErrorException;

    /** O_RDONLY (asks where data lies) or O_PATH (checks a file's identity, see {@link WalkedFile}); java.nio reads. */
    int open(byte[] path, int flags) throws LastErrorException;

    long lseek64(int fd, long offset, int whence) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int mkfifo(byte[] path, int mode) throws LastErrorException;

    /** times: two struct timespec, {atime seconds, nanoseconds, mtime seconds, nanoseconds} (64-bit time_t). */
    int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

    /** glibc 2.33 and later export mknod itself; older ones only __xmknod (see {@link SpecialFiles}). */
    int mknod(byte[] path, int mode, long dev) throws LastErrorException;

    int __xmknod(int version, byte[] path, int mode, long[] dev) throws LastErrorException;

    int getpwuid_r(int uid, Pointer pwd, Pointer buf, NativeLong buflen, PointerByReference result);

    int getgrgid_r(int gid, Pointer grp, Pointer buf, NativeLong buflen, PointerByReference result);

    String strerror(int errnum);

    /** The JDK's encoding of file names (sun.jnu.encoding), UTF-8 when unknown. */
    Charset FILE_NAMES = fileNameCharset();

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The path as libc takes it: the bytes it was listed with (see {@link TarName#bytes(Path)}) and a NUL. */
    static byte[] path(Path path) {
        byte[] bytes = TarName.bytes(path);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    static byte[] cString(String s, Charset charset) {
        byte[] bytes = s.getBytes(charset);
        byte[] out = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        return out;
    }

    /** errno in words, as strerror gives them ("Operation not supported"). */
    static String reason(LastErrorException e) {
        return INSTANCE.strerror(e.getErrorCode());
    }
}
