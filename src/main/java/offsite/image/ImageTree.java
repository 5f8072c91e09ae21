package offsite.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a deterministic POSIX tar of a {@link TreeSelection}: entries sorted by name in byte order (the absolute
 * path without its leading "/"), directories included, headers as {@link TarHeaders} makes them, long names and
 * big numbers in PAX records (commons-compress writes them from a HashMap: the same keys, the same order), file
 * contents streamed. The base holds every entry with the secret files scrubbed; the secret tar holds only the
 * secret files, unscrubbed, with their directories. Hard links are stored as separate files.
 */
public final class ImageTree {

    /**
     * What a tar holds; changed counts files that changed size or vanished while being read (padded or skipped);
     * wholesale names the secret files no scrub format knows, replaced whole in the base.
     */
    public record Counts(int entries, int files, int directories, int symlinks, int secrets, long contentBytes, int changed,
            List<String> wholesale) {
    }

    private final TreeSelection selection;
    private final List<PathMatcher> excludes;
    private final List<PathMatcher> secrets;
    private final PasswordScrubber scrubber;

    public ImageTree(TreeSelection selection) {
        this.selection = selection;
        this.excludes = selection.excludeMatchers();
        this.secrets = selection.secretMatchers();
        this.scrubber = new PasswordScrubber(selection.scrubRules());
    }

    /** The base image: everything selected, secrets scrubbed. The stream is finished, not closed. */
    public Counts writeBase(OutputStream out) throws IOException {
        return write(out, false);
    }

    /** The secret archive's tar: the secret files only, as they are, and their directories. */
    public Counts writeSecrets(OutputStream out) throws IOException {
        return write(out, true);
    }

    public boolean hasSecrets() throws IOException {
        return !secretNames(TreeWalk.entries(selection.roots(), excludes)).isEmpty();
    }

    private Counts write(OutputStream out, boolean secretsOnly) throws IOException {
        SortedMap<String, Path> entries = TreeWalk.entries(selection.roots(), excludes);
        Set<String> secretNames = secretNames(entries);
        Set<String> secretDirs = secretsOnly ? parents(secretNames) : Set.of();
        int count = 0, files = 0, dirs = 0, links = 0, secretCount = 0, changed = 0;
        List<String> wholesale = new ArrayList<>();
        long bytes = 0;
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        for (Map.Entry<String, Path> e : entries.entrySet()) {
            boolean secret = secretNames.contains(e.getKey());
            if (secretsOnly && !secret && !secretDirs.contains(e.getKey())) {
                continue;
            }
            Path path = e.getValue();
            TarArchiveEntry entry;
            try {
                entry = TarHeaders.of(e.getKey(), path);
                if (entry != null && secret && !secretsOnly) {
                    entry.setSize(scrubbedSize(path));
                }
            } catch (NoSuchFileException gone) {
                changed++;
                continue;
            }
            if (entry == null) {
                continue;
            }
            tar.putArchiveEntry(entry);
            if (entry.getLinkFlag() == TarConstants.LF_NORMAL) { // not isFile(): that holds for symlinks too
                changed += copy(path, tar, entry.getSize(), secret && !secretsOnly) ? 1 : 0;
                bytes += entry.getSize();
                files++;
                secretCount += secret ? 1 : 0;
                if (secret && !secretsOnly && PasswordScrubber.formatOf(path).isEmpty()) {
                    wholesale.add(e.getKey());
                }
            }
            tar.closeArchiveEntry();
            dirs += entry.isDirectory() ? 1 : 0;
            links += entry.isSymbolicLink() ? 1 : 0;
            count++;
        }
        tar.finish();
        tar.flush();
        return new Counts(count, files, dirs, links, secretCount, bytes, changed, List.copyOf(wholesale));
    }

    /** Streams the file's content, scrubbed or not, at exactly the size in its header; true if it changed meanwhile. */
    private boolean copy(Path path, OutputStream tar, long size, boolean scrub) throws IOException {
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!scrub) {
                return ExactCopy.copy(in, tar, size);
            }
            ExactSizeOutput exact = new ExactSizeOutput(tar, size);
            scrubber.scrub(path, in, exact);
            return exact.finish();
        } catch (NoSuchFileException gone) {
            return new ExactSizeOutput(tar, size).finish();
        }
    }

    /** A first pass over a secret file: its scrubbed size, for the header. */
    private long scrubbedSize(Path path) throws IOException {
        long[] size = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                size[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                size[0] += len;
            }
        };
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS))) {
            scrubber.scrub(path, in, counter);
        }
        return size[0];
    }

    private Set<String> secretNames(SortedMap<String, Path> entries) {
        Set<String> out = new HashSet<>();
        entries.forEach((name, path) -> {
            if (secrets.stream().anyMatch(m -> m.matches(path)) && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                out.add(name);
            }
        });
        return out;
    }

    private static Set<String> parents(Set<String> names) {
        Set<String> out = new HashSet<>();
        for (String name : names) {
            for (int slash = name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
                out.add(name.substring(0, slash));
            }
        }
        return out;
    }
}
