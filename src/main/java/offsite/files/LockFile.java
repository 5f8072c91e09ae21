package offsite.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A lock on a file, held until closed; the OS lets go of it when its process ends, however it ends. */
public record LockFile(Path file, FileChannel channel) implements AutoCloseable {

    /** The lock on file (created if need be), or null while another process, or another holder in this one, has it. */
    public static LockFile tryTake(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new LockFile(file, channel);
            }
        } catch (OverlappingFileLockException heldHere) {
            // held by this process
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        channel.close();
        return null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
