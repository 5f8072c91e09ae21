package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import offsite.files.DiskFull;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a tar into a directory safely: no absolute names, no "..", and nothing written through a symlink
 * (one already there or one the archive made). Keeps modes, mtimes, symlinks, and owners when run as root.
 * Later entries replace earlier files, so a secret archive laid over a base gives back the originals.
 */
public final class ImageExtractor {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private ImageExtractor() {
    }

    public static int extract(InputStream tarStream, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        record DirTime(Path path, FileTime time) {
        }
        List<DirTime> dirTimes = new ArrayList<>();
        int count = 0;
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream);
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            Path target = safeTarget(root, entry.getName());
            refuseSymlinkOnTheWay(root, target.getParent(), entry.getName());
            Files.createDirectories(target.getParent());
            if (entry.isDirectory()) {
                if (Files.isSymbolicLink(target)) {
                    throw new IOException("tar entry " + entry.getName() + " would write through the symlink " + target);
                }
                Files.createDirectories(target);
                dirTimes.add(new DirTime(target, FileTime.fromMillis(entry.getModTime().getTime())));
            } else if (entry.isSymbolicLink()) {
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isFile()) {
                if (Files.isSymbolicLink(target)) {
                    Files.delete(target); // replace the link itself, never write through it
                }
                Path part = target.resolveSibling(target.getFileName() + ".offsite-part");
                try {
                    Files.copy(tar, part, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    // the bare OS message names neither the file nor the restore directory
                    throw DiskFull.is(e, part) ? new IOException("the disk is full: cannot write " + part + " in " + root
                            + " (" + e.getMessage() + "); make room or restore elsewhere, into an empty directory", e) : e;
                }
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(target, FileTime.fromMillis(entry.getModTime().getTime()));
            } else {
                continue;
            }
            if (!entry.isSymbolicLink()) {
                Files.setPosixFilePermissions(target, permissions(entry.getMode()));
            }
            if (ROOT) {
                Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
            }
            count++;
        }
        // directory times last, deepest first, since writing into a directory changes its time
        dirTimes.sort((a, b) -> b.path().getNameCount() - a.path().getNameCount());
        for (DirTime d : dirTimes) {
            Files.setLastModifiedTime(d.path(), d.time());
        }
        return count;
    }

    private static Path safeTarget(Path root, String name) throws IOException {
        if (name.startsWith("/") || name.contains("\\")) {
            throw new IOException("tar entry " + name + " has an absolute or Windows path: refused");
        }
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new IOException("tar entry " + name + " climbs out with '..': refused");
            }
        }
        Path target = root.resolve(name).normalize();
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

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                out.add(all[i]);
            }
        }
        return out;
    }
}
