package offsite.image;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every path under the roots that is not excluded, by tar name (the absolute path without its leading "/", as
 * {@link TarName} reads its bytes), sorted by those bytes. Symlinks are listed, never followed; an excluded
 * directory is not entered; a root that is a symlink is refused.
 */
final class TreeWalk {

    /** Unsigned byte order of the names' own bytes, as a C locale sort gives. */
    static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(TarName.bytes(a), TarName.bytes(b));

    private TreeWalk() {
    }

    static SortedMap<String, Path> entries(List<Path> roots, List<PathMatcher> excludes) throws IOException {
        SortedMap<String, Path> out = new TreeMap<>(BYTE_ORDER);
        for (Path root : roots) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(root.toString(), null, "offsite.image.roots: it does not exist");
            }
            TreeSelection.refuseLink(root); // a folder at start, replaced by a link since
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (excluded(dir, excludes)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    add(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!excluded(file, excludes)) {
                        add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // removed while the tree was walked
                    }
                    throw e;
                }

                private void add(Path p) {
                    String name = TarName.of(p).substring(1); // its own bytes, whatever the locale
                    if (!name.isEmpty()) {
                        out.put(name, p);
                    }
                }
            });
        }
        return out;
    }

    private static boolean excluded(Path p, List<PathMatcher> excludes) {
        return excludes.stream().anyMatch(m -> m.matches(p));
    }
}
