package offsite.image;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Reads and writes a path's extended attributes of every namespace (security.capability, system.posix_acl_access
 * and _default, user.*, trusted.* as root) without following a symlink: java.nio reaches user.* only.
 */
final class Xattrs {

    private Xattrs() {
    }

    /** Every attribute, sorted by name; none where the filesystem keeps none. NoSuchFileException when it is gone. */
    static List<Xattr> read(Path path) throws IOException {
        byte[] p = LibC.path(path);
        byte[] names = listNames(path, p);
        List<Xattr> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < names.length; i++) {
            if (names[i] == 0) {
                if (i > start) {
                    byte[] name = Arrays.copyOfRange(names, start, i + 1); // with its NUL
                    byte[] value = value(path, p, name);
                    if (value != null) {
                        out.add(new Xattr(new String(name, 0, name.length - 1, StandardCharsets.UTF_8), value));
                    }
                }
                start = i + 1;
            }
        }
        Collections.sort(out);
        return out;
    }

    private static byte[] listNames(Path path, byte[] p) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                long size = LibC.INSTANCE.llistxattr(p, null, new NativeLong(0)).longValue();
                if (size == 0) {
                    return new byte[0];
                }
                byte[] list = new byte[(int) size];
                long got = LibC.INSTANCE.llistxattr(p, list, new NativeLong(size)).longValue();
                return Arrays.copyOf(list, (int) got);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ERANGE && attempt < 3) {
                    continue; // an attribute was added between the two calls
                }
                if (e.getErrorCode() == LibC.EOPNOTSUPP) {
                    return new byte[0]; // a filesystem without extended attributes (proc, some FUSE ones)
                }
                throw failure("list the extended attributes of", path, e);
            }
        }
    }

    /** The value, or null when the attribute went away meanwhile. */
    private static byte[] value(Path path, byte[] p, byte[] name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                long size = LibC.INSTANCE.lgetxattr(p, name, null, new NativeLong(0)).longValue();
                byte[] value = new byte[(int) size];
                long got = size == 0 ? 0 : LibC.INSTANCE.lgetxattr(p, name, value, new NativeLong(size)).longValue();
                return Arrays.copyOf(value, (int) got);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.ENODATA) {
                    return null;
                }
                if (e.getErrorCode() == LibC.ERANGE && attempt < 3) {
                    continue;
                }
                throw failure("read the extended attribute " + new String(name, 0, name.length - 1, StandardCharsets.UTF_8) + " of", path, e);
            }
        }
    }

    /** Sets the attribute on the path itself (not a symlink's target). */
    static void write(Path path, Xattr x) throws IOException {
        byte[] value = x.value();
        try {
            LibC.INSTANCE.lsetxattr(LibC.path(path), LibC.cString(x.name(), StandardCharsets.UTF_8), value, new NativeLong(value.length), 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot set the extended attribute " + x.name() + " on " + path + ": " + LibC.reason(e)
                    + (e.getErrorCode() == LibC.EOPNOTSUPP ? " (restore onto a filesystem that keeps extended attributes and ACLs:"
                            + " ext4, xfs, btrfs)" : ""));
        }
    }

    /** Removes the attribute if the path has it (an ACL a new file inherited from its directory's default ACL). */
    static void remove(Path path, String name) throws IOException {
        try {
            LibC.INSTANCE.lremovexattr(LibC.path(path), LibC.cString(name, StandardCharsets.UTF_8));
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LibC.ENODATA && e.getErrorCode() != LibC.EOPNOTSUPP) {
                throw new IOException("cannot remove the extended attribute " + name + " from " + path + ": " + LibC.reason(e));
            }
        }
    }

    private static IOException failure(String what, Path path, LastErrorException e) {
        if (e.getErrorCode() == LibC.ENOENT) {
            return new NoSuchFileException(path.toString());
        }
        return new IOException("cannot " + what + " " + path + ": " + LibC.reason(e));
    }
}
