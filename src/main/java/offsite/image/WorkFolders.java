package offsite.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import offsite.files.FileTree;

/**
 * The image backups' work folders under DATA/image/work, one per backup: owner-only (the plain secret archive is
 * built there before it is encrypted), each held by a lock on its .lock file while its backup runs. The OS lets go of
 * a lock when its process ends, so a folder whose lock is free was left by a backup that was killed or stopped.
 */
final class WorkFolders {

    private static final String LOCK = ".lock";
    /** A folder without a lock file younger than this may be a backup of another process that is just starting. */
    private static final Duration STARTING = Duration.ofMinutes(10);

    private WorkFolders() {
    }

    /** One backup's folder, held until closed; remove it before closing, so that no sweep finds it free and half gone. */
    record Held(Path dir, LockFile lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.close();
        }
    }

    /** Makes dir (owner-only where the file system has permissions) and takes its lock. */
    static Held create(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException noPermissions) {
            Files.createDirectory(dir);
        }
        LockFile lock = LockFile.tryTake(dir.resolve(LOCK));
        if (lock == null) {
            throw new IOException("cannot lock " + dir.resolve(LOCK) + ": another process holds it");
        }
        return new Held(dir, lock);
    }

    /** Removes the folders under root that no running backup holds (except keep); the ones removed. */
    static List<Path> removeAbandoned(Path root, Path keep, Instant now) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        List<Path> folders;
        try (Stream<Path> list = Files.list(root)) {
            folders = list.filter(Files::isDirectory).filter(p -> !p.equals(keep)).toList();
        }
        for (Path folder : folders) {
            try {
                if (abandoned(folder, now)) {
                    FileTree.delete(folder);
                    removed.add(folder);
                }
            } catch (NoSuchFileException finished) {
                // its backup ended and removed it meanwhile
            }
        }
        return removed;
    }

    private static boolean abandoned(Path folder, Instant now) throws IOException {
        Path lock = folder.resolve(LOCK);
        if (!Files.exists(lock)) { // made by a version without locks, or a backup between its mkdir and its lock
            FileTime modified = Files.getLastModifiedTime(folder);
            return modified.toInstant().plus(STARTING).isBefore(now);
        }
        try (LockFile free = LockFile.tryTake(lock)) {
            return free != null;
        }
    }
}
