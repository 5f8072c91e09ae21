package offsite.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A lock on a file, held until closed; the OS lets go of it when its process ends, however it ends. turn is this
 * process's own turn at a file taken with {@link #take} or {@link #tryTakeTurn}, null for {@link #tryTake}.
 */
public record LockFile(Path file, FileChannel channel, Semaphore turn) implements AutoCloseable {

    /** One turn per file taken with take: the OS lock is the whole process's, so its threads wait for each other here. */
    private static final Map<Path, Semaphore> TURNS = new ConcurrentHashMap<>();

    /** The lock on file (created if need be), or null while another process, or another holder in this one, has it. */
    public static LockFile tryTake(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new LockFile(file, channel, null);
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

    /**
     * The lock on file (created if need be), waiting while another process or another thread of this one holds it. For a
     * short hold (a read-modify-write of a small file); a file taken this way is never taken with tryTake, and a holder
     * never takes it again before closing.
     */
    public static LockFile take(Path file) throws IOException {
        Semaphore turn = TURNS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new Semaphore(1));
        try {
            turn.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lock on " + file);
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                channel.lock();
                return new LockFile(file, channel, turn);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            turn.release();
            throw e;
        }
    }

    /**
     * The lock on file (created if need be), or null at once while another process or another holder in this one has it.
     * For a lock kept across steps, and let go from whichever thread ends them; a file taken this way is taken only with
     * take and tryTakeTurn, so this process never opens it while holding it (closing that channel would let go of the lock).
     */
    public static LockFile tryTakeTurn(Path file) throws IOException {
        Semaphore turn = TURNS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new Semaphore(1));
        if (!turn.tryAcquire()) {
            return null;
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (channel.tryLock() != null) {
                    return new LockFile(file, channel, turn);
                }
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            channel.close(); // held by another process; this one held no lock on it (its turn was free)
        } catch (IOException | RuntimeException e) {
            turn.release();
            throw e;
        }
        turn.release();
        return null;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (turn != null) {
                turn.release();
            }
        }
    }
}
