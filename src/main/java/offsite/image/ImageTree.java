package offsite.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import offsite.files.Sha256;
import offsite.image.DataExtents.Extent;

/**
 * Writes a deterministic POSIX tar of a {@link TreeSelection}, as GNU tar's {@code --format=posix --xattrs --sparse}
 * would: entries sorted by name in byte order (the absolute path without its leading "/"), directories included,
 * headers as {@link TarHeaders} makes them. What a restored system needs is kept: extended attributes (file
 * capabilities, ACLs, user.*), holes of sparse files (only the data extents are stored), hard links (every name
 * after the first is a link entry), FIFOs and device nodes; sockets are left out. The base holds every entry
 * with the secret files scrubbed; the secret tar holds only the secret files, unscrubbed, with their directories.
 * A file is secret when a secret glob matches it, a directory above it, or any other name of its inode, in the image
 * or outside it (so a hard link or bind mount never carries the original content into the base, see
 * {@link SecretsOutsideTree}), or when a secret glob matches a symlink that leads to it (as Let's
 * Encrypt's live/NAME/privkey.pem and a Kubernetes mount's ..data links do): the link stays a link in the base and
 * is also in the secret tar. A secret link whose target is not in the image is named in {@link Counts#unheldLinks}.
 */
public final class ImageTree {

    /**
     * What a tar holds; changed names the entries that changed size or vanished while being read (padded or skipped);
     * wholesale names the secret files no scrub format knows, replaced whole in the base; unheldLinks the secret
     * symlinks whose target the image does not hold (outside the roots, excluded, missing), so neither tar has it;
     * unmatchedSecrets the secret globs, as written, that marked no file of the image, under any of its names;
     * secretsSearchedInPart the secret globs whose search outside the image stopped at its limit (see
     * {@link SecretsOutsideTree}), so a name in the image of a file they match further on may be stored as it is; unreadableSecrets
     * how many secret files are left out as unreadable (the secret ones among unreadable; under a folder that could not
     * be listed none is known); unreadable the entries this process
     * may not read (permission denied): a file left out, a directory kept without what is under it.
     */
    public record Counts(int entries, int files, int directories, int symlinks, int hardLinks, int specialFiles, int sparseFiles,
            int secrets, long contentBytes, List<String> changed, List<String> wholesale, List<SecretLink> unheldLinks, List<String> unmatchedSecrets,
            List<String> secretsSearchedInPart, List<String> unreadable, int unreadableSecrets) {
    }

    /** A symlink a secret glob matched, by absolute path, and where it leads (fully resolved when it could be). */
    public record SecretLink(String link, String target) {
    }

    private final TreeSelection selection;
    private final List<PathMatcher> excludes;
    private final SecretGlobs secrets;
    private final SecretsOutsideTree secretsOutside;
    private final PasswordScrubber scrubber;

    public ImageTree(TreeSelection selection) {
        this.selection = selection;
        this.excludes = selection.excludeMatchers();
        this.secrets = selection.secretGlobs();
        this.secretsOutside = selection.secretsOutside();
        this.scrubber = new PasswordScrubber(selection.scrubRules());
    }

    /**
     * One entry in tar order, ready to write: its header bytes, and the file its data comes from (a regular file's, open
     * and checked to be the one walked, see {@link WalkedFile}; null for other entries).
     */
    record Planned(String name, Path path, FileStatus status, TarEntry entry, byte[] header, boolean secret, boolean scrub, WalkedFile file) {

        /** Bytes of the entry in the tar: header, data, padding. */
        long length() {
            long data = entry.isFile() ? entry.dataSize() : 0;
            return header.length + data + TarHeaders.padding(data);
        }
    }

    /** Takes the entries in tar order; returns true when the entry's file changed while its data was read. */
    interface EntrySink {
        boolean accept(Planned entry) throws IOException;
    }

    /** The base image: everything selected, secrets scrubbed. The stream is finished, not closed. */
    public Counts writeBase(OutputStream out) throws IOException {
        return writeTar(out, false, null);
    }

    /** The base image, and its layout in the index (offsets, the files' status, each entry's SHA-256). */
    Counts writeBase(OutputStream out, ImageIndex.Writer index) throws IOException {
        return writeTar(out, false, index);
    }

    /** The secret archive's tar: the secret files only, as they are, and their directories. */
    public Counts writeSecrets(OutputStream out) throws IOException {
        return writeTar(out, true, null);
    }

    public boolean hasSecrets() throws IOException {
        if (secrets.isEmpty()) {
            return false; // no second walk of the tree when no glob could match
        }
        TreeWalk.Walk walk = TreeWalk.entries(selection.roots(), excludes, secretsOutside::wants);
        SortedMap<String, Path> paths = walk.paths();
        for (String name : secrets.mark(paths, name -> statusOrNull(paths.get(name))).names()) {
            Path p = paths.get(name);
            String file = Files.isSymbolicLink(p) ? heldTarget(p, paths) : null;
            if (Files.isRegularFile(file == null ? p : paths.get(file), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        Set<Inode> outside = secretsOutside.find(walk.excluded()).inodes().keySet();
        if (outside.isEmpty()) {
            return false; // no status of every entry when nothing outside the image is secret
        }
        for (Path p : paths.values()) {
            FileStatus st = statusOrNull(p);
            if (st != null && st.isRegularFile() && outside.contains(Inode.of(st))) {
                return true;
            }
        }
        return false;
    }

    /** The fingerprint of what decides the scrubbed bytes besides the files (see {@link ImageIndex#fingerprint}). */
    String fingerprint() {
        return ImageIndex.fingerprint(selection);
    }

    private Counts writeTar(OutputStream out, boolean secretsOnly, ImageIndex.Writer index) throws IOException {
        long[] position = {0};
        MessageDigest entrySha = Sha256.digest();
        Counts counts = visit(secretsOnly, p -> {
            OutputStream target = index == null ? out : new DigestOutputStream(out, entrySha);
            target.write(p.header());
            boolean changed = writeData(p, target);
            if (index != null) {
                index.add(p.name(), position[0], p.length(), p.entry().isFile() ? p.status() : null, entrySha.digest());
            }
            position[0] += p.length();
            return changed;
        });
        out.write(TarHeaders.end(position[0]));
        out.flush();
        return counts;
    }

    /** Writes the entry's data, scrubbed or not, and its padding, at exactly the size in its header; true if it changed meanwhile. */
    boolean writeData(Planned p, OutputStream out) throws IOException {
        if (!p.entry().isFile()) {
            return false;
        }
        boolean changed = copy(p.path(), p.file(), p.entry(), out, p.scrub());
        out.write(new byte[TarHeaders.padding(p.entry().dataSize())]);
        return changed;
    }

    /** Hands every entry of the selection to the sink in tar order; the end of the tar is the caller's. */
    Counts visit(boolean secretsOnly, EntrySink sink) throws IOException {
        TreeWalk.Walk walk = TreeWalk.entries(selection.roots(), excludes, secretsOutside::wants);
        SortedMap<String, Path> paths = walk.paths();
        List<String> changed = new ArrayList<>();
        Set<String> unreadable = new TreeSet<>(TreeWalk.BYTE_ORDER);
        unreadable.addAll(walk.unreadable());
        Map<String, FileStatus> status = new HashMap<>();
        for (Map.Entry<String, Path> e : paths.entrySet()) {
            try {
                status.put(e.getKey(), FileStatus.of(e.getValue()));
            } catch (NoSuchFileException gone) {
                changed.add(e.getKey());
            } catch (AccessDeniedException denied) {
                unreadable.add(e.getKey());
            }
        }
        List<SecretLink> unheldLinks = new ArrayList<>();
        SecretGlobs.Marks marks = secrets.mark(paths, status::get);
        SecretsOutsideTree.Found outside = secretsOutside.find(walk.excluded());
        Set<String> outsideGlobs = new HashSet<>();
        Set<String> secretNames = secretNames(marks.names(), paths, status, unheldLinks, outside, outsideGlobs);
        List<String> unmatched = marks.unmatched().stream().filter(g -> !outsideGlobs.contains(g)).toList();
        Set<String> secretDirs = secretsOnly ? parents(secretNames) : Set.of();
        Map<Inode, String> firstNames = new HashMap<>();
        Accounts accounts = new Accounts();
        int unreadableSecrets = 0;
        int count = 0, files = 0, dirs = 0, symlinks = 0, hardLinks = 0, specials = 0, sparseFiles = 0, secretCount = 0;
        List<String> wholesale = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Path> e : paths.entrySet()) {
            String name = e.getKey();
            FileStatus st = status.get(name);
            boolean secret = secretNames.contains(name);
            if (st == null || st.kind() == FileStatus.S_IFSOCK || secretsOnly && !secret && !secretDirs.contains(name)) {
                continue;
            }
            Path path = e.getValue();
            Inode inode = st.hardLinked() ? new Inode(st.device(), st.inode()) : null;
            String linkTo = inode == null ? null : firstNames.get(inode);
            boolean scrub = secret && !secretsOnly;
            TarEntry entry;
            WalkedFile file = null;
            try {
                file = st.isRegularFile() && linkTo == null ? WalkedFile.open(path, st) : null;
                entry = entry(name, path, st, linkTo, scrub, accounts, file);
            } catch (NoSuchFileException gone) { // or replaced since the walk: never read in its place
                changed.add(name);
                closeQuietly(file);
                continue;
            } catch (AccessDeniedException denied) {
                unreadable.add(name);
                unreadableSecrets += secret ? 1 : 0;
                closeQuietly(file);
                continue;
            }
            try (WalkedFile data = file) {
                if (sink.accept(new Planned(name, path, st, entry, TarHeaders.of(entry), secret, scrub, data))) {
                    changed.add(name);
                }
            }
            if (inode != null && linkTo == null) {
                firstNames.put(inode, name);
            }
            if (entry.isFile()) {
                bytes += entry.dataSize();
                files++;
                secretCount += secret ? 1 : 0;
                sparseFiles += entry.isSparse() ? 1 : 0;
                if (scrub && PasswordScrubber.formatOf(path).isEmpty()) {
                    wholesale.add(name);
                }
            }
            dirs += entry.isDirectory() ? 1 : 0;
            symlinks += entry.type() == TarEntry.SYMLINK ? 1 : 0;
            hardLinks += entry.type() == TarEntry.HARD_LINK ? 1 : 0;
            specials += entry.type() == TarEntry.FIFO || entry.type() == TarEntry.CHAR_DEVICE || entry.type() == TarEntry.BLOCK_DEVICE ? 1 : 0;
            count++;
        }
        return new Counts(count, files, dirs, symlinks, hardLinks, specials, sparseFiles, secretCount, bytes, List.copyOf(changed),
                List.copyOf(wholesale), List.copyOf(unheldLinks), unmatched, outside.cutShort(), List.copyOf(unreadable), unreadableSecrets);
    }

    /** The entry of one path; a later name of an inode already written is a hard link to that first name. */
    private TarEntry entry(String name, Path path, FileStatus st, String linkTo, boolean scrub, Accounts accounts, WalkedFile file)
            throws IOException {
        char type;
        String link = "";
        long size = 0;
        List<Extent> sparse = null;
        if (linkTo != null) {
            type = TarEntry.HARD_LINK;
            link = linkTo;
        } else if (st.isSymbolicLink()) {
            type = TarEntry.SYMLINK;
            link = TarName.of(Files.readSymbolicLink(path));
        } else if (st.isDirectory()) {
            type = TarEntry.DIRECTORY;
        } else if (st.isRegularFile()) {
            type = TarEntry.FILE;
            size = scrub ? scrubbedSize(path, file) : st.size();
            if (!scrub && st.mayHaveHoles()) {
                sparse = DataExtents.of(file.reopenable(), size);
                if (sparse.size() == 1 && sparse.get(0).offset() == 0 && sparse.get(0).length() == size) {
                    sparse = null; // allocated whole after all (compressed, or inline data)
                }
            }
        } else if (st.kind() == FileStatus.S_IFIFO) {
            type = TarEntry.FIFO;
        } else if (st.kind() == FileStatus.S_IFCHR) {
            type = TarEntry.CHAR_DEVICE;
        } else {
            type = TarEntry.BLOCK_DEVICE;
        }
        boolean device = type == TarEntry.CHAR_DEVICE || type == TarEntry.BLOCK_DEVICE;
        List<Xattr> xattrs = type == TarEntry.HARD_LINK ? List.of() : Xattrs.read(path); // a link shares its first name's
        return new TarEntry(name, type, st.mode(), st.uid() & 0xffffffffL, st.gid() & 0xffffffffL, accounts.user(st.uid()),
                accounts.group(st.gid()), st.mtimeSeconds(), size, link, device ? st.rdevMajor() : 0, device ? st.rdevMinor() : 0,
                xattrs, sparse);
    }

    /** Streams the open file's data, scrubbed or not, at exactly the size in its header; true if it changed meanwhile. */
    private boolean copy(Path path, WalkedFile file, TarEntry entry, OutputStream tar, boolean scrub) throws IOException {
        if (entry.isSparse()) {
            return copyExtents(file.channel(), entry.sparse(), tar);
        }
        try (InputStream in = file.read()) {
            if (!scrub) {
                return ExactCopy.copy(in, tar, entry.size());
            }
            ExactSizeOutput exact = new ExactSizeOutput(tar, entry.size());
            scrubber.scrub(path, in, exact);
            return exact.finish();
        }
    }

    /** A sparse file's data extents; what a shrunken file no longer holds is written as zeros. */
    private static boolean copyExtents(FileChannel in, List<Extent> extents, OutputStream tar) throws IOException {
        boolean changed = false;
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (Extent x : extents) {
            ExactSizeOutput exact = new ExactSizeOutput(tar, x.length());
            for (long at = x.offset(), end = x.offset() + x.length(); at < end; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
                int n = in.read(buffer, at);
                if (n < 0) {
                    break;
                }
                exact.write(buffer.array(), 0, n);
                at += n;
            }
            changed |= exact.finish();
        }
        return changed;
    }

    /** A first pass over a secret file: its scrubbed size, for the header. */
    private long scrubbedSize(Path path, WalkedFile file) throws IOException {
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
        try (InputStream in = new BufferedInputStream(file.read())) {
            scrubber.scrub(path, in, counter);
        }
        return size[0];
    }

    private static void closeQuietly(WalkedFile file) {
        try {
            if (file != null) {
                file.close();
            }
        } catch (IOException e) {
            // only read from: nothing to lose
        }
    }

    /** A path's status, or null when it vanished. */
    private static FileStatus statusOrNull(Path path) {
        try {
            return FileStatus.of(path);
        } catch (IOException gone) {
            return null;
        }
    }

    /**
     * Of the entries the secret globs mark: the regular files, the symlinks that lead to a regular file in the image and
     * those files, and every other name of their inodes (hard links, and bind mounts, whose names share the device and
     * inode with a link count of 1), among them those of the secret files outside the image; the marked links leading out
     * of the image go to unheld, and the globs that made a file secret through its name outside the image to outsideGlobs.
     */
    private Set<String> secretNames(Set<String> marked, SortedMap<String, Path> paths, Map<String, FileStatus> status, List<SecretLink> unheld,
            SecretsOutsideTree.Found outside, Set<String> outsideGlobs) {
        Set<String> out = new HashSet<>();
        Set<Inode> secretInodes = new HashSet<>(outside.inodes().keySet());
        marked.forEach(name -> {
            Path path = paths.get(name);
            FileStatus st = status.get(name);
            if (st == null) {
                return;
            }
            String file = st.isRegularFile() ? name : st.isSymbolicLink() ? heldTarget(path, paths) : null;
            FileStatus fileStatus = file == null ? null : status.get(file);
            if (st.isSymbolicLink() && file == null) {
                unheld.add(new SecretLink(path.toString(), linkTarget(path).toString()));
            } else if (fileStatus != null && fileStatus.isRegularFile()) {
                out.add(name);
                out.add(file);
                secretInodes.add(Inode.of(fileStatus));
            }
        });
        status.forEach((name, st) -> { // a hard link, or the same file seen again through a bind mount (one link, one inode)
            if (st.isRegularFile() && secretInodes.contains(Inode.of(st))) {
                out.add(name);
                outside.inodes().getOrDefault(Inode.of(st), new BitSet()).stream().forEach(i -> outsideGlobs.add(selection.secrets().get(i)));
            }
        });
        return out;
    }

    /**
     * The name in the image of what a symlink finally leads to (every link on the way followed, as a program
     * opening it would), or null when that is outside the roots, excluded, missing or a loop.
     */
    private String heldTarget(Path link, SortedMap<String, Path> paths) {
        Path target = linkTarget(link);
        for (Path root : selection.roots()) {
            Path realRoot;
            try {
                realRoot = root.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (target.startsWith(realRoot)) {
                String name = TarName.of(root.resolve(realRoot.relativize(target))).substring(1);
                if (paths.containsKey(name)) {
                    return name; // the walk's own name: the root as configured, the rest real names
                }
            }
        }
        return null;
    }

    /** Where a symlink leads: its real path, or when it cannot be resolved (missing, a loop) its target read as a path. */
    private static Path linkTarget(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException unresolved) {
            try {
                return link.resolveSibling(Files.readSymbolicLink(link)).normalize();
            } catch (IOException gone) {
                return link;
            }
        }
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
