package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a deterministic POSIX tar of the roots minus the excludes: entries sorted by name (the absolute path
 * without its leading "/"), owner, mode, mtime and symlinks kept, symlinks never followed. Secret files keep
 * their place in the base with their passwords scrubbed; the secret archive holds only them, unscrubbed.
 * Excludes are globs on the absolute path ("/var/cache/**", "**.log"); an excluded directory drops its subtree.
 */
public final class ImageTree {

    /** What a tar holds. */
    public record Counts(int entries, int secrets, long contentBytes) {
    }

    private final List<Path> roots;
    private final List<PathMatcher> excludes;
    private final List<PathMatcher> secrets;
    private final PasswordScrubber scrubber;

    public ImageTree(List<Path> roots, List<String> excludes, List<String> secrets, PasswordScrubber scrubber) {
        for (Path root : roots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("offsite.image.roots: '" + root + "' is not absolute (expected paths such as /etc,/srv)");
            }
        }
        this.roots = List.copyOf(roots);
        this.excludes = excludes.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        this.secrets = secrets.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        this.scrubber = scrubber;
    }

    /** The base image: everything, secrets scrubbed. */
    public Counts writeBase(OutputStream out) throws IOException {
        return write(out, false);
    }

    /** The secret archive's tar: the secret files only, as they are. */
    public Counts writeSecrets(OutputStream out) throws IOException {
        return write(out, true);
    }

    public boolean hasSecrets() throws IOException {
        return entries().values().stream().anyMatch(this::isSecret);
    }

    private Counts write(OutputStream out, boolean secretsOnly) throws IOException {
        Map<String, Path> entries = entries();
        int count = 0;
        int secretCount = 0;
        long bytes = 0;
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        for (Map.Entry<String, Path> e : entries.entrySet()) {
            Path path = e.getValue();
            boolean secret = isSecret(path);
            PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (secretsOnly && !(secret || (a.isDirectory() && containsSecret(e.getKey(), entries)))) {
                continue;
            }
            TarArchiveEntry entry;
            byte[] scrubbed = null;
            if (a.isSymbolicLink()) {
                entry = new TarArchiveEntry(e.getKey(), TarConstants.LF_SYMLINK);
                entry.setLinkName(Files.readSymbolicLink(path).toString());
            } else if (a.isDirectory()) {
                entry = new TarArchiveEntry(e.getKey() + "/");
            } else if (a.isRegularFile()) {
                entry = new TarArchiveEntry(e.getKey());
                if (secret && !secretsOnly) {
                    scrubbed = scrubber.scrub(path.getFileName().toString(), Files.readAllBytes(path));
                    entry.setSize(scrubbed.length);
                } else {
                    entry.setSize(a.size());
                }
            } else {
                continue; // sockets, devices and fifos are not backed up
            }
            entry.setMode((Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS));
            entry.setModTime(a.lastModifiedTime().toMillis() / 1000 * 1000);
            Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Object gid = Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            entry.setUserId(((Number) uid).longValue());
            entry.setGroupId(((Number) gid).longValue());
            entry.setUserName(a.owner().getName());
            entry.setGroupName(a.group().getName());
            tar.putArchiveEntry(entry);
            if (scrubbed != null) {
                tar.write(scrubbed);
                bytes += scrubbed.length;
            } else if (a.isRegularFile()) {
                try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                    bytes += in.transferTo(tar);
                }
            }
            tar.closeArchiveEntry();
            count++;
            secretCount += secret && a.isRegularFile() ? 1 : 0;
        }
        tar.finish();
        tar.flush();
        return new Counts(count, secretCount, bytes);
    }

    private boolean containsSecret(String dirName, Map<String, Path> entries) {
        String prefix = dirName + "/";
        return entries.entrySet().stream().anyMatch(e -> e.getKey().startsWith(prefix) && isSecret(e.getValue()));
    }

    private boolean isSecret(Path path) {
        return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && secrets.stream().anyMatch(m -> m.matches(path));
    }

    /** Every entry by tar name, sorted, excludes applied, symlinks not followed. */
    private Map<String, Path> entries() throws IOException {
        Map<String, Path> out = new TreeMap<>();
        for (Path root : roots) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("offsite.image.roots: " + root + " does not exist");
            }
            List<Path> excludedDirs = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(root)) {
                walk.forEach(p -> {
                    if (excludedDirs.stream().anyMatch(p::startsWith)) {
                        return;
                    }
                    if (excludes.stream().anyMatch(m -> m.matches(p))) {
                        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                            excludedDirs.add(p);
                        }
                        return;
                    }
                    String name = p.toString().substring(1);
                    if (!name.isEmpty()) {
                        out.put(name, p);
                    }
                });
            }
        }
        return out;
    }
}
