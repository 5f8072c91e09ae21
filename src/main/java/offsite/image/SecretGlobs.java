package offsite.image;

import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Which entries of a walk the secret globs mark, and which globs mark no file. A glob marks the entries it matches
 * and, when it matches a directory, every entry under it (/etc/ssl/private as /etc/ssl/private/** would); directories
 * themselves are never marked. A glob that marks no regular file or symlink (a typo, an empty directory, a path
 * outside the roots or excluded) is named in {@link Marks#unmatched}, so that the report can say so.
 */
final class SecretGlobs {

    /** The marked entries, by tar name in tar order; the globs, as written, that marked no regular file or symlink. */
    record Marks(Set<String> names, List<String> unmatched) {
    }

    private final List<String> globs;
    private final List<PathMatcher> matchers;

    /** globs as written in offsite.image.secrets, matchers theirs in the same order. */
    SecretGlobs(List<String> globs, List<PathMatcher> matchers) {
        if (globs.size() != matchers.size()) {
            throw new IllegalArgumentException(globs.size() + " secret globs and " + matchers.size() + " matchers (expected one each)");
        }
        this.globs = List.copyOf(globs);
        this.matchers = List.copyOf(matchers);
    }

    boolean isEmpty() {
        return globs.isEmpty();
    }

    /**
     * paths: the walk's entries by tar name, in tar order (a directory before what is under it); status: an entry's
     * status, null when it vanished. Only the entries a glob marks, or matches, are asked for their status.
     */
    Marks mark(SortedMap<String, Path> paths, Function<String, FileStatus> status) {
        Map<String, BitSet> directories = new HashMap<>(); // the directories a glob matched, and by which globs
        BitSet marking = new BitSet(globs.size());
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, Path> e : paths.entrySet()) {
            String name = e.getKey();
            BitSet by = matching(e.getValue());
            for (int slash = directories.isEmpty() ? -1 : name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
                BitSet above = directories.get(name.substring(0, slash));
                if (above != null) {
                    by.or(above);
                }
            }
            if (by.isEmpty()) {
                continue;
            }
            FileStatus st = status.apply(name);
            if (st == null) {
                continue;
            }
            if (st.isDirectory()) {
                directories.put(name, by);
                continue;
            }
            names.add(name);
            if (st.isRegularFile() || st.isSymbolicLink()) {
                marking.or(by);
            }
        }
        List<String> unmatched = new ArrayList<>();
        for (int i = marking.nextClearBit(0); i < globs.size(); i = marking.nextClearBit(i + 1)) {
            unmatched.add(globs.get(i));
        }
        return new Marks(names, List.copyOf(unmatched));
    }

    private BitSet matching(Path path) {
        BitSet by = new BitSet(matchers.size());
        for (int i = 0; i < matchers.size(); i++) {
            if (matchers.get(i).matches(path)) {
                by.set(i);
            }
        }
        return by;
    }
}
