package offsite.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A new empty file beside a state file, of this writer's own, that then replaces it whole by a move. It is created with
 * the process's default permissions (its umask), as every other state file is: Files.createTempFile makes it 0600, so the
 * file it replaced became unreadable, and its appends refused, to another user of the data directory (a container run
 * under another uid in the same group).
 */
public final class ReplacementFile {

    private ReplacementFile() {
    }

    /** NAME.RANDOM.tmp in file's folder, created empty; never one another writer created. */
    public static Path beside(Path file) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        while (true) {
            Path tmp = folder.resolve(file.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException taken) {
                // another name
            }
        }
    }
}
