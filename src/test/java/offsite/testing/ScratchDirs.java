package offsite.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories a test fixture made for itself (a server's data, its log), removed when it is done with them. */
final class ScratchDirs {

    private ScratchDirs() {
    }

    /** Deletes the file or the tree under it; best effort, as a temp dir's fate does not fail a test. */
    static void delete(Path tree) {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(tree)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // left for the system's temp cleaning
        }
    }
}
