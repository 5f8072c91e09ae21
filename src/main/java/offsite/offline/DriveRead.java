package offsite.offline;

import com.sun.jna.LastErrorException;
import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import offsite.files.Sha256;

/**
 * Reads files back from the drive they lie on, not from the page cache the copy left them in: with direct I/O (O_DIRECT),
 * or where the drive's file system refuses that (ramfs, some FUSE drivers), after dropping the file's cached pages
 * (posix_fadvise DONTNEED, which drops the clean pages an fsync leaves). One per copy, so per drive: it learns once
 * whether direct reads work and the drive's block size, and reads through one buffer aligned to it, 1 MiB outside the
 * heap whatever the file's size.
 */
final class DriveRead {

    /** How the bytes came back: from the drive (direct I/O), from the drive once its cached pages were dropped, or from the cache. */
    enum Way { DIRECT, CACHE_DROPPED, PAGE_CACHE }

    private static final int BUFFER = 1 << 20;
    private static final int POSIX_FADV_DONTNEED = 4;

    private final Runnable moved;
    private Way way;
    private String refused = "";
    private ByteBuffer buffer;
    private int alignment;

    DriveRead() {
        this(Way.DIRECT, () -> { });
    }

    /** moved: told of each buffer read directly (CopyWatch: a long read-back is not a hung drive). */
    DriveRead(Runnable moved) {
        this(Way.DIRECT, moved);
    }

    /** first: the way to try first (DIRECT; CACHE_DROPPED to check that way on a drive that would take direct reads). */
    DriveRead(Way first) {
        this(first, () -> { });
    }

    private DriveRead(Way first, Runnable moved) {
        this.way = first;
        this.moved = moved;
    }

    /** The way the last file was read; a way refused once is not tried again. */
    Way way() {
        return way;
    }

    /** Why the drive was not read directly ("" when it was), for the report. */
    String refused() {
        return refused;
    }

    /** The SHA-256 (hex) of the file as the drive gives it back; a read error of the drive is thrown, never read around. */
    String sha256(Path file) throws IOException {
        if (way == Way.DIRECT) {
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
            } catch (IOException | UnsupportedOperationException e) { // EINVAL: the file system takes no direct I/O
                refused = "direct reads refused (" + reason(e) + ")";
                way = Way.CACHE_DROPPED;
                return sha256(file);
            }
            try (channel) {
                return direct(file, channel);
            }
        }
        if (way == Way.CACHE_DROPPED) {
            String dropped = dropCachedPages(file);
            if (dropped != null) {
                refused += (refused.isEmpty() ? "" : ", ") + "cached pages not dropped (" + dropped + ")";
                way = Way.PAGE_CACHE;
            }
        }
        return Sha256.of(file);
    }

    private String direct(Path file, FileChannel channel) throws IOException {
        if (buffer == null) { // looked up once: a copy reads from one drive, and each lookup parses the mount table (75 us)
            alignment = (int) Files.getFileStore(file).getBlockSize();
            int size = Math.max(BUFFER, alignment) / alignment * alignment;
            buffer = ByteBuffer.allocateDirect(size + alignment).alignedSlice(alignment);
        }
        MessageDigest sha = Sha256.digest();
        long position = 0;
        for (int n; ; position += n) {
            buffer.clear();
            n = channel.read(buffer, position);
            if (n <= 0) {
                break;
            }
            sha.update(buffer.flip());
            moved.run();
            if (n % alignment != 0) {
                break; // a direct read comes back short of a block only at the end of the file
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** posix_fadvise(DONTNEED) on the whole file; null when done, else why not. */
    private static String dropCachedPages(Path file) {
        try {
            int fd = DriveCalls.INSTANCE.open(DriveCalls.path(file), 0);
            try {
                int error = DriveCalls.INSTANCE.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
                return error == 0 ? null : DriveCalls.INSTANCE.strerror(error);
            } finally {
                DriveCalls.INSTANCE.close(fd);
            }
        } catch (LastErrorException e) {
            return DriveCalls.INSTANCE.strerror(e.getErrorCode());
        } catch (LinkageError e) { // no libc to bind (not Linux)
            return "no posix_fadvise here: " + e.getMessage();
        }
    }

    private static String reason(Exception e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
