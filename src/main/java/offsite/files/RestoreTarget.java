package offsite.files;

import java.nio.file.Files;
import java.nio.file.Path;

/** The --to of a restore, refused before anything is downloaded when it names something that is no folder. */
public final class RestoreTarget {

    private RestoreTarget() {
    }

    /**
     * Why --to cannot be restored into, or null; --overwrite does not change it: a folder's files are replaced, not a file.
     * An empty --to (an unset variable in a script) would mean the working directory, an install's own folder.
     */
    public static String notAFolder(Path to) {
        if (to.toString().isEmpty()) {
            return "--to is empty: name a directory to restore into (an empty one would be the working directory)";
        }
        if (Files.exists(to) && !Files.isDirectory(to)) {
            return "--to " + to + " is a file, not a directory: name a directory to restore into (one that does not exist yet is made)";
        }
        return null;
    }
}
