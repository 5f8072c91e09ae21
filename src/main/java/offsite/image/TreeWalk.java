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
import java.util.function.Predicate;

/**
 * Every path under the roots that is not excluded, by tar name (the absolute path without its leading "/", as
 * {@link TarName} reads its bytes), sorted by those bytes. Symlinks are listed, never followed; an excluded
 * directory is not entered; a root that is a symlink is refused. A directory this process may not list is listed
 * itself, without what is under it, and named in unreadable. The excluded paths met that the caller asks for are kept
 * apart (a directory: not entered), for the secret files among them (see {@link SecretsOutsideTree}).
 */
final class TreeWalk {

    /** Unsigned byte order of the names' own bytes, as a C locale sort gives. */
    static final Comparator<String> BYTE_ORDER = (a, b) -> Arrays.compareUnsigned(TarName.bytes(a), TarName.bytes(b));

    private TreeWalk() {
    }

    /**
     * The paths by tar name, the tar names of the directories that could not be listed (permission denied), and the
     * excluded paths met that were asked for (what is under an excluded directory is not met).
     */
    record Walk(SortedMap<String, Path> paths, List<String> unreadable, List<Path> excluded) {
    }

    static Walk entries(List<Path> roots, List<PathMatcher> excludes) throws IOException {
        return entries(roots, excludes, p -> false);
    }

    /** The walk; keptExcluded says which excluded paths met to keep. */
    static Walk entries(List<Path> roots, List<PathMatcher> excludes, Predicate<Path> keptExcluded) throws IOException {
        SortedMap<String, Path> out = new TreeMap<>(BYTE_ORDER);
        List<String> unreadable = new ArrayList<>();
        List<Path> excluded = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(root.toString(), null, "offsite.image.roots: it does not exist");
            }
            TreeSelection.refuseLink(root); // a folder at start, replaced by a link since
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (excluded(dir, excludes)) {
                        keep(dir);
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    add(dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (!excluded(file, excludes)) {
                        add(file);
                    } else {
                        keep(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException || excluded(file, excludes)) {
                        return FileVisitResult.CONTINUE; // removed while the tree was walked, or not in the image anyway
                    }
                    if (e instanceof AccessDeniedException) {
                        add(file); // a directory that cannot be listed is still an entry; its status, read later, tells
                        unreadable.add(TarName.of(file).substring(1));
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                private void keep(Path p) {
                    if (keptExcluded.test(p)) {
                        excluded.add(p);
                    }
                }

                private void add(Path p) {
                    String name = TarName.of(p).substring(1); // its own bytes, whatever the locale
                    if (!name.isEmpty()) {
                        out.put(name, p);
                    }
                }
            });
        }
        return new Walk(out, List.copyOf(unreadable), List.copyOf(excluded));
    }

    private static boolean excluded(Path p, List<PathMatcher> excludes) {
        return excludes.stream().anyMatch(m -> m.matches(p));
    }
}
