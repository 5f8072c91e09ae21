package offsite.image;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The files the secret globs match where the image does not look (outside the roots, or excluded), by identity: any
 * name of one of them inside the image (a hard link, a bind mount) is as secret as the file, though no glob matches that
 * name. Each glob is searched under its fixed start, the folders before its first wildcard (/etc/shadow itself,
 * /etc/ssl/private for /etc/ssl/private/*.key); a glob with none ("**.key", "{/a,/b}/key") matches in the image only.
 * A glob matching a folder matches what is under it, and one matching a symlink the regular file it leads to, as in
 * the image. At most {@link #LIMIT} entries are looked at in all; the globs whose search stopped there are named.
 */
final class SecretsOutsideTree {

    /** The most entries looked at outside the image per walk of it: a glob such as /home/** must not walk a whole disk. */
    static final int LIMIT = 100_000;

    /** The inodes found, each with the globs (by their index) that matched it; the globs, as written, searched only in part. */
    record Found(Map<Inode, BitSet> inodes, List<String> cutShort) {
    }

    private final List<Path> roots;
    private final List<String> globs;
    private final List<PathMatcher> matchers;
    private final List<Path> starts; // each glob's fixed start, null when it has none

    /** roots: the image's, absolute; globs as written in offsite.image.secrets, matchers theirs in the same order. */
    SecretsOutsideTree(List<Path> roots, List<String> globs, List<PathMatcher> matchers) {
        this.roots = roots.stream().map(Path::normalize).toList();
        this.globs = List.copyOf(globs);
        this.matchers = List.copyOf(matchers);
        this.starts = globs.stream().map(SecretsOutsideTree::fixedStart).toList();
    }

    /** The folders of a glob before its first wildcard, as a path; null when that is "/" alone or the glob is not absolute. */
    static Path fixedStart(String glob) {
        if (!glob.startsWith("/")) {
            return null;
        }
        StringBuilder start = new StringBuilder();
        for (String part : glob.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.chars().anyMatch(c -> "*?[]{}\\".indexOf(c) >= 0)) {
                break;
            }
            start.append('/').append(part);
        }
        return start.isEmpty() ? null : Path.of(start.toString()).normalize();
    }

    /** Whether the image's walk is to keep this excluded path: a glob's search must look in it. */
    boolean wants(Path excluded) {
        return starts.stream().anyMatch(s -> s != null && (excluded.startsWith(s) || s.startsWith(excluded)));
    }

    /** The secret inodes outside the image; excluded: the excluded paths the image's walk kept (see {@link #wants}). */
    Found find(List<Path> excluded) {
        Map<Inode, BitSet> inodes = new HashMap<>();
        List<String> cutShort = new ArrayList<>();
        int[] budget = {LIMIT};
        for (int i = 0; i < globs.size(); i++) {
            Path start = starts.get(i);
            if (start == null) {
                continue;
            }
            List<Path> from = new ArrayList<>();
            if (roots.stream().noneMatch(start::startsWith)) {
                from.add(start);
            }
            for (Path e : excluded) {
                Path top = e.startsWith(start) ? e : start.startsWith(e) ? start : null;
                if (top != null && from.stream().noneMatch(f -> covers(f, top))) {
                    from.removeIf(f -> covers(top, f));
                    from.add(top);
                }
            }
            for (Path f : from) {
                if (!search(f, i, inodes, budget)) {
                    cutShort.add(globs.get(i));
                    break;
                }
            }
        }
        return new Found(inodes, List.copyOf(cutShort));
    }

    /** Whether a search from walks path: it lies under from, and under no root on the way (the search skips the roots). */
    private boolean covers(Path from, Path path) {
        return path.startsWith(from) && roots.stream().noneMatch(r -> r.startsWith(from) && !r.equals(from) && path.startsWith(r));
    }

    /** Walks from, adding what glob i matches; false when the budget ran out first. */
    private boolean search(Path from, int glob, Map<Inode, BitSet> inodes, int[] budget) {
        PathMatcher matcher = matchers.get(glob);
        boolean above = false; // a folder above from that the glob matches marks all under it
        for (Path p = from.getParent(); p != null && !above; p = p.getParent()) {
            above = matcher.matches(p);
        }
        Deque<Boolean> marked = new ArrayDeque<>();
        marked.push(above);
        boolean[] complete = {true};
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (--budget[0] < 0) {
                        complete[0] = false;
                        return FileVisitResult.TERMINATE;
                    }
                    if (!dir.equals(from) && roots.contains(dir)) {
                        return FileVisitResult.SKIP_SUBTREE; // the image's own walk sees it
                    }
                    marked.push(marked.peek() || matcher.matches(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    marked.pop();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (--budget[0] < 0) {
                        complete[0] = false;
                        return FileVisitResult.TERMINATE;
                    }
                    if (marked.peek() || matcher.matches(file)) {
                        add(attrs.isSymbolicLink() ? realOrNull(file) : file, glob, inodes);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // missing or not readable by this process: nothing to find there
                }
            });
        } catch (IOException e) {
            // the visitor swallows every failure; nothing else throws
        }
        return complete[0];
    }

    private static void add(Path file, int glob, Map<Inode, BitSet> inodes) {
        if (file == null) {
            return;
        }
        try {
            FileStatus st = FileStatus.of(file);
            if (st.isRegularFile()) {
                inodes.computeIfAbsent(Inode.of(st), k -> new BitSet()).set(glob);
            }
        } catch (IOException gone) {
            // vanished since listed: nothing to find
        }
    }

    private static Path realOrNull(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException unresolved) {
            return null; // missing, a loop
        }
    }
}
