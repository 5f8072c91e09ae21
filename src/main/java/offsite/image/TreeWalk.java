package offsite.image;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Every path under the roots that is not excluded, by tar name (the absolute path without its leading "/", as
 * {@link TarName} reads its bytes), sorted by those bytes. Symlinks are listed, never followed; an excluded
 * directory is not entered; a root that is a symlink is refused. A directory this process may not list is listed
 * itself, without what is under it, and named in unreadable.
 */
final class TreeWalk {

    /** Unsigned byte order of the names' own bytes, as a C locale sort gives. */
    static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(TarName.bytes(a), TarName.bytes(b));

    private TreeWalk() {
    }

    /** The paths by tar name, and the tar names of the directories that could not be listed (permission denied). */
    record Walk(SortedMap<String, Path> paths, List<String> unreadable) {
    }

    static Walk entries(List<Path> roots, List<PathMatcher> excludes) throws IOException {
        SortedMap<String, Path> out = new TreeMap<>(BYTE_ORDER);
        List<String> unreadable = new ArrayList<>();
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
                    if (e instanceof AccessDeniedException && !excluded(file, excludes)) {
                        add(file); // a directory that cannot be listed is still an entry; its status, read later, tells
                        unreadable.add(TarName.of(file).substring(1));
                        return FileVisitResult.CONTINUE;
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
        return new Walk(out, List.copyOf(unreadable));
    }

    private static boolean excluded(Path p, List<PathMatcher> excludes) {
        return excludes.stream().anyMatch(m -> m.matches(p));
    }
}
