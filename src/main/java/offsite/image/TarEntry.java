package offsite.image;

import java.util.List;
import offsite.image.DataExtents.Extent;

/**
 * One entry of an image tar, as {@link TarHeaders} writes it and {@link TarReader} reads it back: the name (a
 * directory's without its trailing "/"), the type flag, permission bits with setuid, setgid and sticky, owner ids
 * and names, mtime in whole seconds, the file's size, the target of a symlink or hard link, a device's numbers,
 * the extended attributes, and for a sparse file its data extents (null for a dense one).
 */
record TarEntry(String name, char type, int mode, long uid, long gid, String user, String group, long mtime, long size,
        String linkName, int devMajor, int devMinor, List<Xattr> xattrs, List<Extent> sparse) {

    static final char FILE = '0';
    static final char HARD_LINK = '1';
    static final char SYMLINK = '2';
    static final char CHAR_DEVICE = '3';
    static final char BLOCK_DEVICE = '4';
    static final char DIRECTORY = '5';
    static final char FIFO = '6';

    TarEntry {
        xattrs = List.copyOf(xattrs);
        sparse = sparse == null ? null : List.copyOf(sparse);
        linkName = linkName == null ? "" : linkName;
        user = user == null ? "" : user;
        group = group == null ? "" : group;
    }

    boolean isFile() {
        return type == FILE;
    }

    boolean isDirectory() {
        return type == DIRECTORY;
    }

    boolean isSparse() {
        return sparse != null;
    }

    /** Bytes of file data the tar holds: the whole file, or only its data extents. */
    long dataSize() {
        return sparse == null ? (type == FILE ? size : 0) : sparse.stream().mapToLong(Extent::length).sum();
    }
}
