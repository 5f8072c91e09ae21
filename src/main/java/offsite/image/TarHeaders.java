package offsite.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The tar header of one path, read without following a symlink: type, full mode (with setuid, setgid, sticky),
 * owner ids and names, mtime in whole seconds. Nothing else (no atime, no ctime), so the same file gives the same
 * header every time. Sockets, devices and fifos have none: they are not backed up.
 */
final class TarHeaders {

    private TarHeaders() {
    }

    /** The header, with the size of a regular file; null for a kind of file that is not backed up. */
    static TarArchiveEntry of(String name, Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
        TarArchiveEntry entry;
        if ((Boolean) a.get("isSymbolicLink")) {
            entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(path).toString());
        } else if ((Boolean) a.get("isDirectory")) {
            entry = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
        } else if ((Boolean) a.get("isRegularFile")) {
            entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            entry.setSize((Long) a.get("size"));
        } else {
            return null;
        }
        entry.setMode((Integer) a.get("mode"));
        entry.setModTime(((FileTime) a.get("lastModifiedTime")).toMillis() / 1000 * 1000);
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        entry.setUserId(uid);
        entry.setGroupId(gid);
        entry.setUserName(nameOf((UserPrincipal) a.get("owner"), uid));
        entry.setGroupName(nameOf((UserPrincipal) a.get("group"), gid));
        return entry;
    }

    /** The account name, or "" when the id has none here (the JDK then gives the number itself). */
    private static String nameOf(UserPrincipal principal, int id) {
        String name = principal == null ? "" : principal.getName();
        return name.equals(Integer.toString(id)) ? "" : name;
    }
}
