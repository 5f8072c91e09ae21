package offsite.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import offsite.files.DiskFull;
import offsite.files.RestoreTarget;
import offsite.image.DataExtents.Extent;

/**
 * Extracts a tar into a directory safely: no absolute names, no ".." segment, nothing written through a symlink
 * (one already there or one the archive made, wherever it points: stricter than "outside"), and no hard link to
 * a name outside or through a symlink. Symlink targets are kept as they are, never followed. Keeps what a system
 * needs to run: full modes (setuid, setgid, sticky), mtimes (directories' after their contents), symlinks, hard
 * links (one inode), FIFOs, extended attributes (file capabilities, ACLs, user.*; a directory's after its
 * contents, so that its default ACL is not inherited by what the archive holds), the holes of sparse files, and
 * when run as root owners and device nodes; not as root, device nodes and security.* or trusted.* attributes are
 * skipped, as owners are. Later entries replace earlier ones (a file is written in its folder under {@link #PART}
 * and moved over its name, never into an existing inode), so a secret archive laid over a base by the same
 * extractor gives back the originals. The stream is read to its end (an encrypted source checks its integrity there).
 */
public final class ImageExtractor {

    /**
     * The name a file is written under in its folder before it takes its own: one short name, so that a name of 255
     * bytes still has one, and a rerun after a cut (--overwrite) writes over what the cut left.
     */
    static final String PART = ".offsite-part";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final String ACCESS_ACL = "system.posix_acl_access";
    private static final String DEFAULT_ACL = "system.posix_acl_default";

    private final Path root;
    /** Where the root is, every link resolved: entries are never written through a link, so each lands at its name below it. */
    private final Path realRoot;
    /** Folders below the root that no entry may be written into (offsite.data.dir, offsite.sync.source): mostly none. */
    private final List<RestoreTarget.KeptOut> keptOut;
    /** Folders where an entry of this restore is itself named PART: a file there is written under a fresh name instead. */
    private final Set<Path> partNamed = new HashSet<>();
    /** The directories of every archive laid so far, given their metadata by {@link #finish}. */
    private final List<Dir> dirs = new ArrayList<>();

    private int devicesLeftOut;
    private int ownersLeftOut;
    private int attributesLeftOut;

    private record Dir(Path path, TarEntry entry) {
    }

    /**
     * What a restore by a user who is not root could not make, entries counted once: device nodes, owners (the
     * entries are the user's), security.* and trusted.* attributes.
     */
    public record LeftOut(int devices, int owners, int attributes) {

        public boolean none() {
            return devices == 0 && owners == 0 && attributes == 0;
        }

        /** "1 device node, the owners of 9 entries (yours now), ...": the parts that are not 0. */
        public String text() {
            List<String> parts = new ArrayList<>();
            if (devices > 0) {
                parts.add(devices + (devices == 1 ? " device node" : " device nodes"));
            }
            if (owners > 0) {
                parts.add("the owners of " + entries(owners) + " (yours now)");
            }
            if (attributes > 0) {
                parts.add("the security.* and trusted.* attributes of " + entries(attributes) + " (file capabilities, SELinux labels)");
            }
            return String.join(", ", parts);
        }

        private static String entries(int n) {
            return n + (n == 1 ? " entry" : " entries");
        }
    }

    /**
     * An extractor into dir; each archive given to {@link #extract} is laid over the ones before, and {@link #finish}
     * comes after the last.
     */
    public ImageExtractor(Path dir) {
        this(dir, List.of());
    }

    /** The same, refusing any entry that would be written into one of the folders keptOut that lie below dir. */
    public ImageExtractor(Path dir, List<RestoreTarget.KeptOut> keptOut) {
        this.root = dir.toAbsolutePath().normalize();
        this.realRoot = RestoreTarget.real(root);
        this.keptOut = RestoreTarget.below(root, keptOut);
    }

    /**
     * Why an extraction of the tar file into dir would write into one of the folders keptOut (a parent of
     * offsite.data.dir as dir, an entry of its name), naming the first such entry; null when none would. Read before
     * anything is extracted; only when such a folder lies below dir, the entries' data skipped.
     */
    public static String landsIn(Path tar, Path dir, List<RestoreTarget.KeptOut> keptOut) throws IOException {
        ImageExtractor extractor = new ImageExtractor(dir, keptOut);
        if (extractor.keptOut.isEmpty()) {
            return null;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
            TarReader reader = new TarReader(in);
            for (TarEntry entry; (entry = reader.next()) != null; ) {
                String into = extractor.keptOutOf(entry.name());
                if (into != null) {
                    return into;
                }
            }
        }
        return null;
    }

    /** Why the entry would be written into a folder kept out, or null (also for a name the extraction refuses anyway). */
    private String keptOutOf(String name) {
        if (keptOut.isEmpty()) {
            return null;
        }
        Path target;
        try {
            target = safeTarget(root, name);
        } catch (IOException refused) {
            return null;
        }
        return RestoreTarget.landsIn(root, name, realRoot.resolve(root.relativize(target)), keptOut);
    }

    /** Lays one archive's entries; its directories keep the modes they were made with until {@link #finish}. */
    public int extract(InputStream tarStream) throws IOException {
        Files.createDirectories(root);
        int count = 0;
        TarReader tar = new TarReader(tarStream);
        for (TarEntry entry; (entry = tar.next()) != null; ) {
            if (entry.isDirectory() && TarName.resolve(root, entry.name()).normalize().equals(root)) {
                continue; // "./": the restore directory itself
            }
            Path target = safeTarget(root, entry.name());
            refuseSymlinkOnTheWay(root, target.getParent(), entry.name());
            String into = keptOutOf(entry.name()); // for the secret archive: the base was read through before it was extracted
            if (into != null) {
                throw new IOException(into);
            }
            if (target.getFileName().toString().equals(PART)) {
                partNamed.add(target.getParent()); // never again taken for a file's way in
            }
            try {
                Files.createDirectories(target.getParent());
                switch (entry.type()) {
                    case TarEntry.DIRECTORY -> {
                        if (Files.isSymbolicLink(target)) {
                            throw new IOException("tar entry " + entry.name() + " would write through the symlink " + target + ": refused");
                        }
                        Files.createDirectories(target);
                        dirs.add(new Dir(target, entry));
                    }
                    case TarEntry.SYMLINK -> {
                        Files.deleteIfExists(target);
                        Files.createSymbolicLink(target, TarName.path(entry.linkName()));
                    }
                    case TarEntry.FILE -> writeFile(tar.content(), entry, target);
                    case TarEntry.HARD_LINK -> {
                        hardLink(root, entry, target);
                        count++;
                        continue; // one inode: its metadata came with the first name
                    }
                    case TarEntry.FIFO -> {
                        Files.deleteIfExists(target);
                        SpecialFiles.fifo(target);
                    }
                    case TarEntry.CHAR_DEVICE, TarEntry.BLOCK_DEVICE -> {
                        if (!ROOT) {
                            devicesLeftOut++; // only root may make device nodes
                            continue;
                        }
                        Files.deleteIfExists(target);
                        SpecialFiles.device(target, entry.type() == TarEntry.CHAR_DEVICE ? FileStatus.S_IFCHR : FileStatus.S_IFBLK,
                                entry.devMajor(), entry.devMinor());
                    }
                    default -> {
                        continue; // a kind Offsite never writes (volume labels, GNU multi-volume parts)
                    }
                }
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                throw kindClash(entry, e);
            }
            if (ROOT) { // owner first: chown clears setuid, setgid and file capabilities
                Files.setAttribute(target, "unix:uid", (int) entry.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(target, "unix:gid", (int) entry.gid(), LinkOption.NOFOLLOW_LINKS);
            }
            if (!entry.isDirectory()) { // a directory's are counted by finish, once for all archives
                ownersLeftOut += ownerKept(target, entry) ? 0 : 1;
                attributesLeftOut += setXattrs(target, entry) ? 1 : 0; // before the mode: user.* needs a writable file
                if (entry.type() != TarEntry.SYMLINK) {
                    Files.setAttribute(target, "unix:mode", entry.mode() & 07777);
                }
                FileTimes.setModified(target, entry.mtime());
            }
            count++;
        }
        tarStream.transferTo(OutputStream.nullOutputStream());
        return count;
    }

    /**
     * Gives the directories of every archive laid their attributes, modes and times, deepest first; one a later entry
     * replaced (an empty directory, then a symlink of its name) is left as that entry made it. Only after the
     * last archive: writing into one changes its time, a read-only one takes no file from a user who is not root (a
     * secret laid over the base), and a default ACL set earlier would be inherited by every file laid after.
     */
    public void finish() throws IOException {
        dirs.sort((a, b) -> b.path().getNameCount() - a.path().getNameCount());
        Set<Path> counted = new HashSet<>();
        for (Dir d : dirs) {
            if (!Files.isDirectory(d.path(), LinkOption.NOFOLLOW_LINKS)) {
                continue; // a later entry replaced it (a symlink: chmod would follow it out) and was given its own metadata
            }
            boolean skipped = setXattrs(d.path(), d.entry());
            if (counted.add(d.path())) {
                ownersLeftOut += ownerKept(d.path(), d.entry()) ? 0 : 1;
                attributesLeftOut += skipped ? 1 : 0;
            }
            Files.setAttribute(d.path(), "unix:mode", d.entry().mode() & 07777);
            FileTimes.setModified(d.path(), d.entry().mtime());
        }
        dirs.clear();
    }

    /** What was left out so far, as this user is not root (nothing as root). */
    public LeftOut leftOut() {
        return new LeftOut(devicesLeftOut, ownersLeftOut, attributesLeftOut);
    }

    /** Whether the path has the entry's owner and group: always as root, who sets them. */
    private static boolean ownerKept(Path target, TarEntry entry) throws IOException {
        return ROOT || Integer.toUnsignedLong((int) Files.getAttribute(target, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == entry.uid()
                && Integer.toUnsignedLong((int) Files.getAttribute(target, "unix:gid", LinkOption.NOFOLLOW_LINKS)) == entry.gid();
    }

    /**
     * Writes the data in the target's folder under PART and moves it over the target; a sparse file's holes stay
     * holes. Whatever fails, no part file stays (a full disk gets its room back).
     */
    private void writeFile(InputStream content, TarEntry entry, Path target) throws IOException {
        if (Files.isSymbolicLink(target)) {
            Files.delete(target); // replace the link itself, never write through it
        }
        Path part = partFor(target.getParent());
        try {
            if (entry.isSparse()) {
                writeExtents(content, entry, part);
            } else {
                Files.copy(content, part, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            boolean full = DiskFull.is(e, part);
            Files.deleteIfExists(part);
            // the bare OS message names neither the file nor the restore directory
            throw full ? new IOException("the disk is full: cannot write " + target + " in " + root
                    + " (" + e.getMessage() + "); make room or restore elsewhere, into an empty directory", e) : e;
        }
    }

    /**
     * The folder's PART, which a cut restore may have left (it is written over); a fresh name where an entry of this
     * restore has that name, or where something other than a file has it.
     */
    private Path partFor(Path folder) throws IOException {
        Path part = folder.resolve(PART);
        if (partNamed.contains(folder) || Files.exists(part, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
            return Files.createTempFile(folder, PART + "-", "");
        }
        return part;
    }

    private static void writeExtents(InputStream content, TarEntry entry, Path part) throws IOException {
        Files.deleteIfExists(part);
        byte[] buffer = new byte[1 << 16];
        try (RandomAccessFile file = new RandomAccessFile(part.toFile(), "rw")) {
            FileChannel channel = file.getChannel();
            for (Extent x : entry.sparse()) {
                long at = x.offset();
                for (long left = x.length(); left > 0; ) {
                    int n = content.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n == 0) {
                        throw new IOException("tar entry " + entry.name() + " ends before its sparse map says");
                    }
                    ByteBuffer data = ByteBuffer.wrap(buffer, 0, n);
                    while (data.hasRemaining()) {
                        at += channel.write(data, at);
                    }
                    left -= n;
                }
            }
            file.setLength(entry.size()); // a trailing hole
        }
    }

    private static void hardLink(Path root, TarEntry entry, Path target) throws IOException {
        Path existing = safeTarget(root, entry.linkName());
        refuseSymlinkOnTheWay(root, existing.getParent(), entry.name());
        if (!Files.exists(existing, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("tar entry " + entry.name() + " is a hard link to " + entry.linkName()
                    + ", which is not a file restored before it: refused");
        }
        if (existing.equals(target)) {
            return;
        }
        Files.deleteIfExists(target);
        Files.createLink(target, existing); // link(2) never follows a symlink: at most it links the symlink itself
    }

    /**
     * Sets the entry's extended attributes (not as root: those of the owner's namespaces only), and takes away an
     * ACL the new inode inherited from its directory that the original did not have. True when one was left out.
     */
    private static boolean setXattrs(Path target, TarEntry entry) throws IOException {
        boolean accessAcl = false;
        boolean defaultAcl = false;
        boolean leftOut = false;
        for (Xattr x : entry.xattrs()) {
            accessAcl |= x.name().equals(ACCESS_ACL);
            defaultAcl |= x.name().equals(DEFAULT_ACL);
            if (ROOT || !x.privileged()) {
                Xattrs.write(target, x);
            } else {
                leftOut = true;
            }
        }
        if (entry.type() == TarEntry.SYMLINK) {
            return leftOut;
        }
        if (!accessAcl) {
            Xattrs.remove(target, ACCESS_ACL);
        }
        if (!defaultAcl && entry.isDirectory()) {
            Xattrs.remove(target, DEFAULT_ACL);
        }
        return leftOut;
    }

    /**
     * An entry that cannot take its place: its name, or a folder on its way, is there as another kind (an archive that
     * names one path twice as two kinds; a target restored into with --overwrite that holds other things).
     */
    private static IOException kindClash(TarEntry entry, FileSystemException e) {
        return new IOException("tar entry " + entry.name() + (e instanceof DirectoryNotEmptyException
                ? " would replace " + e.getFile() + ", a directory that is not empty: refused"
                : " needs " + e.getFile() + " to be a directory, and it is there as another kind of entry: refused"));
    }

    private static Path safeTarget(Path root, String name) throws IOException {
        if (name.startsWith("/")) {
            throw new IOException("tar entry " + name + " has an absolute path: refused");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new IOException("tar entry " + name + " climbs out with '..': refused");
            }
        }
        Path target = TarName.resolve(root, name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IOException("tar entry " + name + " lies outside " + root + ": refused");
        }
        return target;
    }

    private static void refuseSymlinkOnTheWay(Path root, Path parent, String name) throws IOException {
        for (Path p = parent; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new IOException("tar entry " + name + " would write through the symlink " + p + ": refused");
            }
        }
    }
}
