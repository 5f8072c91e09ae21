package offsite.image;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * What lstat says of a path, from one statx call: the kind and permission bits, owner ids, size and allocated
 * 512-byte blocks (a sparse file has fewer than its size), the identity (device, inode) and link count that
 * tell hard links, mtime and ctime to the nanosecond, and a device node's numbers. Where statx is missing (an
 * old kernel or a seccomp filter), java.nio gives the same except the blocks (-1: holes are then not looked for).
 */
record FileStatus(int kind, int mode, int uid, int gid, long size, long blocks, long device, long inode, int links,
        long mtimeSeconds, int mtimeNanos, long ctimeSeconds, int ctimeNanos, int rdevMajor, int rdevMinor) {

    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;
    static final int S_IFDIR = 0040000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;

    private static volatile boolean statxMissing;

    /** The status of the path itself (a symlink is not followed); NoSuchFileException when it is gone, AccessDeniedException when a folder above may not be searched. */
    static FileStatus of(Path path) throws IOException {
        if (!statxMissing) {
            byte[] buf = new byte[256];
            try {
                LibC.INSTANCE.statx(LibC.AT_FDCWD, LibC.path(path), LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, buf);
                return parse(ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ENOENT) {
                    throw new NoSuchFileException(path.toString());
                }
                if (e.getErrorCode() == LibC.EACCES) {
                    throw new AccessDeniedException(path.toString());
                }
                if (e.getErrorCode() != LibC.ENOSYS) {
                    throw new IOException("cannot read the status of " + path + ": " + LibC.reason(e));
                }
                statxMissing = true;
            } catch (UnsatisfiedLinkError e) {
                statxMissing = true; // glibc before 2.28
            }
        }
        return ofJavaNio(path);
    }

    /** The status of an open descriptor (an O_PATH one too); null where statx is missing. path only names it in errors. */
    static FileStatus ofDescriptor(int fd, Path path) throws IOException {
        if (statxMissing) {
            return null;
        }
        byte[] buf = new byte[256];
        try {
            LibC.INSTANCE.statx(fd, new byte[1], LibC.AT_EMPTY_PATH, LibC.STATX_BASIC_STATS, buf);
            return parse(ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.ENOSYS) {
                statxMissing = true;
                return null;
            }
            throw new IOException("cannot read the status of " + path + ": " + LibC.reason(e));
        } catch (UnsatisfiedLinkError e) {
            statxMissing = true;
            return null;
        }
    }

    /** struct statx, as linux/stat.h lays it out on every architecture. */
    private static FileStatus parse(ByteBuffer b) {
        int stMode = b.getShort(28) & 0xffff;
        return new FileStatus(stMode & S_IFMT, stMode & 07777, b.getInt(20), b.getInt(24), b.getLong(40), b.getLong(48),
                ((long) b.getInt(136) << 32) | (b.getInt(140) & 0xffffffffL), b.getLong(32), b.getInt(16),
                b.getLong(112), b.getInt(120), b.getLong(96), b.getInt(104), b.getInt(128), b.getInt(132));
    }

    private static FileStatus ofJavaNio(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid,size,dev,ino,nlink,lastModifiedTime,ctime,rdev",
                LinkOption.NOFOLLOW_LINKS);
        int stMode = (Integer) a.get("mode");
        Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
        Instant ctime = ((FileTime) a.get("ctime")).toInstant();
        long rdev = (Long) a.get("rdev");
        return new FileStatus(stMode & S_IFMT, stMode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"), (Long) a.get("size"), -1,
                (Long) a.get("dev"), (Long) a.get("ino"), (Integer) a.get("nlink"), mtime.getEpochSecond(), mtime.getNano(),
                ctime.getEpochSecond(), ctime.getNano(), major(rdev), minor(rdev));
    }

    /** glibc's gnu_dev_major / gnu_dev_minor of a dev_t. */
    static int major(long dev) {
        return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
    }

    static int minor(long dev) {
        return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
    }

    /** glibc's gnu_dev_makedev. */
    static long device(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    boolean isDirectory() {
        return kind == S_IFDIR;
    }

    boolean isRegularFile() {
        return kind == S_IFREG;
    }

    boolean isSymbolicLink() {
        return kind == S_IFLNK;
    }

    /** Fewer blocks allocated than the size needs: the file may have holes (or be compressed, or inline). */
    boolean mayHaveHoles() {
        return kind == S_IFREG && blocks >= 0 && blocks * 512 < size;
    }

    /** A name of an inode that has others: hard links are kept for every kind but directories and symlinks. */
    boolean hardLinked() {
        return links > 1 && kind != S_IFDIR && kind != S_IFLNK;
    }
}
