package offsite.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import offsite.files.FileTree;

/**
 * The image backups' work folders under DATA/image/work, one per backup, owner-only: the plain secret archive is
 * built there before it is encrypted. A backup holds DATA/image/image.lock while it runs, so any other folder there
 * was left by a backup that was killed or stopped.
 */
final class WorkFolders {

    private WorkFolders() {
    }

    /** Makes dir, owner-only where the file system has permissions. */
    static void create(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException noPermissions) {
            Files.createDirectory(dir);
        }
    }

    /** Removes every folder under root but keep (the caller holds the image lock: no other backup runs); the ones removed. */
    static List<Path> removeLeft(Path root, Path keep) throws IOException {
        List<Path> removed = new ArrayList<>();
        List<Path> folders;
        try (Stream<Path> list = Files.list(root)) {
            folders = list.filter(Files::isDirectory).filter(p -> !p.equals(keep)).toList();
        } catch (NoSuchFileException none) {
            return removed;
        }
        for (Path folder : folders) {
            FileTree.delete(folder);
            removed.add(folder);
        }
        return removed;
    }
}
