package offsite.image;

import com.sun.jna.LastErrorException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * A regular file the tree walk found, opened for reading only while its path still leads to that very file (the
 * device and inode the walk's status gave). A file replaced since, or a directory on its way replaced by a symbolic
 * link (a user swapping a folder of their own for a link to /etc while the backup runs), is never read in its place:
 * it is {@link Replaced}, as if it had vanished. The path is first opened with O_PATH (no device is opened, no FIFO
 * blocks), that descriptor's own status is checked, and the file is read through /proc/self/fd/N, the same inode
 * whatever the path now names. Without statx or /proc, the path is opened with NOFOLLOW as it is, unchecked.
 */
final class WalkedFile implements Closeable {

    private static final int O_PATH = 010000000;
    private static final int O_CLOEXEC = 02000000;
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");
    private static final boolean CHECKED = Files.isDirectory(OWN_DESCRIPTORS);

    /** The path no longer leads to the file the walk found. */
    static final class Replaced extends NoSuchFileException {
        Replaced(Path path) {
            super(path.toString(), null, "replaced since the tree was walked: not the file the walk found");
        }
    }

    private final int descriptor;
    private final Path readable;
    private final FileChannel channel;

    private WalkedFile(int descriptor, Path readable, FileChannel channel) {
        this.descriptor = descriptor;
        this.readable = readable;
        this.channel = channel;
    }

    /** The file at path when it is still the one walked; Replaced, NoSuchFileException or AccessDeniedException when not. */
    static WalkedFile open(Path path, FileStatus walked) throws IOException {
        int fd = -1;
        if (CHECKED) {
            try {
                fd = LibC.INSTANCE.open(LibC.path(path), O_PATH | O_CLOEXEC);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ENOENT) {
                    throw new NoSuchFileException(path.toString());
                }
                if (e.getErrorCode() == LibC.EACCES) {
                    throw new AccessDeniedException(path.toString());
                }
                throw new IOException("cannot open " + path + ": " + LibC.reason(e));
            }
        }
        try {
            FileStatus opened = fd < 0 ? null : FileStatus.ofDescriptor(fd, path);
            if (opened != null && (opened.device() != walked.device() || opened.inode() != walked.inode() || !opened.isRegularFile())) {
                throw new Replaced(path);
            }
            Path readable = opened == null ? path : OWN_DESCRIPTORS.resolve(Integer.toString(fd));
            FileChannel channel = opened == null ? FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
                    : FileChannel.open(readable, StandardOpenOption.READ); // the magic link leads to the inode checked
            return new WalkedFile(opened == null ? -1 : fd, readable, channel);
        } catch (IOException | RuntimeException e) {
            if (fd >= 0) {
                LibC.INSTANCE.close(fd);
            }
            throw e;
        }
    }

    /** The file's bytes from its start, each time asked; closing the stream leaves the file open. */
    InputStream read() throws IOException {
        return CloseShieldInputStream.wrap(Channels.newInputStream(channel.position(0)));
    }

    FileChannel channel() {
        return channel;
    }

    /** A path that opens this same file again while it is open (for the holes' lseek). */
    Path reopenable() {
        return readable;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (descriptor >= 0) {
                LibC.INSTANCE.close(descriptor);
            }
        }
    }
}
