package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import offsite.files.DiskFull;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a tar into a directory safely: no absolute names, no ".." segment, and nothing written through a
 * symlink (one already there or one the archive made, wherever it points: stricter than "outside"). Symlink
 * targets are kept as they are, never followed. Keeps full modes (setuid, setgid, sticky), mtimes (directories'
 * after their contents), symlinks, and owners when run as root. Later entries replace earlier files, so a secret
 * archive laid over a base gives back the originals. The stream is read to its end (an encrypted source checks
 * its integrity there).
 */
public final class ImageExtractor {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private ImageExtractor() {
    }

    public static int extract(InputStream tarStream, Path dir) throws IOException {
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        record Dir(Path path, int mode, FileTime time) {
        }
        List<Dir> dirs = new ArrayList<>();
        int count = 0;
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream);
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            Path target = safeTarget(root, entry.getName());
            refuseSymlinkOnTheWay(root, target.getParent(), entry.getName());
            Files.createDirectories(target.getParent());
            if (entry.isDirectory()) {
                if (Files.isSymbolicLink(target)) {
                    throw new IOException("tar entry " + entry.getName() + " would write through the symlink " + target + ": refused");
                }
                Files.createDirectories(target);
                dirs.add(new Dir(target, entry.getMode() & 07777, FileTime.fromMillis(entry.getModTime().getTime())));
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
            if (ROOT) { // owner first: chown clears setuid and setgid
                Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
            }
            if (entry.isSymbolicLink()) {
                Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.fromMillis(entry.getModTime().getTime()), null, null);
            } else if (!entry.isDirectory()) {
                Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
            }
            count++;
        }
        tarStream.transferTo(OutputStream.nullOutputStream());
        // directories last, deepest first: writing into one changes its time, and a read-only one takes no file
        dirs.sort((a, b) -> b.path().getNameCount() - a.path().getNameCount());
        for (Dir d : dirs) {
            Files.setAttribute(d.path(), "unix:mode", d.mode());
            Files.setLastModifiedTime(d.path(), d.time());
        }
        return count;
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
}
