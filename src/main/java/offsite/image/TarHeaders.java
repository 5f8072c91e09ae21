package offsite.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import offsite.image.DataExtents.Extent;

/**
 * The bytes of a {@link TarEntry} that come before its data, in the POSIX (pax) format GNU tar writes with
 * {@code --format=posix --xattrs --sparse}: an extended header when needed, then the ustar header, and for a sparse
 * file the GNU 1.0 sparse map. Extended records, always in the same order: path, linkpath, size, uid, gid, uname,
 * gname, mtime where the ustar fields cannot hold them; GNU.sparse.major, minor, name and realsize for a sparse
 * file; SCHILY.xattr.NAME with the raw value for each extended attribute, by name. Nothing else (no atime, no
 * ctime, no pid in a name), so the same entry always gives the same bytes.
 */
final class TarHeaders {

    static final int BLOCK = 512;
    private static final long MAX_OCTAL_8 = 07777777L;
    private static final long MAX_OCTAL_12 = 077777777777L;

    private TarHeaders() {
    }

    /** Everything before the entry's data; the data follows, padded to 512 bytes (see {@link #padding}). */
    static byte[] of(TarEntry e) {
        String fullName = e.isDirectory() ? e.name() + "/" : e.name();
        byte[] name = TarName.bytes(fullName); // a name's own bytes, as GNU tar writes a Latin-1 one
        byte[] link = TarName.bytes(e.linkName());
        byte[] map = e.isSparse() ? sparseMap(e) : new byte[0];
        long stored = map.length + (e.isFile() ? e.dataSize() : 0);
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        String ustarName = fullName;
        if (e.isSparse()) {
            ustarName = sparseName(e.name());
        } else if (name.length > 100 || !ascii(fullName)) {
            record(pax, "path", name);
        }
        if (link.length > 100 || !ascii(e.linkName())) {
            record(pax, "linkpath", link);
        }
        if (stored > MAX_OCTAL_12) {
            record(pax, "size", Long.toString(stored));
        }
        if (e.uid() > MAX_OCTAL_8 || e.uid() < 0) {
            record(pax, "uid", Long.toString(e.uid()));
        }
        if (e.gid() > MAX_OCTAL_8 || e.gid() < 0) {
            record(pax, "gid", Long.toString(e.gid()));
        }
        if (utf8(e.user()).length > 31 || !ascii(e.user())) {
            record(pax, "uname", utf8(e.user()));
        }
        if (utf8(e.group()).length > 31 || !ascii(e.group())) {
            record(pax, "gname", utf8(e.group()));
        }
        if (e.mtime() < 0 || e.mtime() > MAX_OCTAL_12) {
            record(pax, "mtime", Long.toString(e.mtime()));
        }
        if (e.isSparse()) {
            record(pax, "GNU.sparse.major", "1");
            record(pax, "GNU.sparse.minor", "0");
            record(pax, "GNU.sparse.name", name);
            record(pax, "GNU.sparse.realsize", Long.toString(e.size()));
        }
        for (Xattr x : e.xattrs()) {
            record(pax, "SCHILY.xattr." + encodeXattrName(x.name()), x.value());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(3 * BLOCK + pax.size() + map.length);
        if (pax.size() > 0) {
            int slash = e.name().lastIndexOf('/');
            String paxName = (slash < 0 ? "" : e.name().substring(0, slash + 1)) + "PaxHeaders/" + e.name().substring(slash + 1);
            out.writeBytes(ustar(paxName, 'x', 0644, 0, 0, "", "", clamp(e.mtime()), pax.size(), "", 0, 0));
            out.writeBytes(pax.toByteArray());
            out.writeBytes(new byte[padding(pax.size())]);
        }
        out.writeBytes(ustar(ustarName, e.type(), e.mode(), e.uid() > MAX_OCTAL_8 || e.uid() < 0 ? 0 : e.uid(),
                e.gid() > MAX_OCTAL_8 || e.gid() < 0 ? 0 : e.gid(), e.user(), e.group(), clamp(e.mtime()),
                stored > MAX_OCTAL_12 ? 0 : stored, e.linkName(), e.devMajor(), e.devMinor()));
        out.writeBytes(map);
        return out.toByteArray();
    }

    /** Zero bytes that bring n bytes of data to a whole number of 512-byte blocks. */
    static int padding(long n) {
        return (int) ((BLOCK - n % BLOCK) % BLOCK);
    }

    /** GNU tar's end of archive: two zero blocks, then zeros to its 10240-byte record. */
    static byte[] end(long position) {
        long end = position + 2 * BLOCK;
        return new byte[(int) (2 * BLOCK + (10240 - end % 10240) % 10240)];
    }

    /** GNU tar's placeholder name of a sparse file (its %d/GNUSparseFile.%p/%f with a fixed 0 for the pid). */
    private static String sparseName(String name) {
        int slash = name.lastIndexOf('/');
        return (slash < 0 ? "" : name.substring(0, slash + 1)) + "GNUSparseFile.0/" + name.substring(slash + 1);
    }

    /** The 1.0 map at the start of the data: the count, then offset and length of each extent, and a final empty one. */
    private static byte[] sparseMap(TarEntry e) {
        StringBuilder s = new StringBuilder();
        int count = e.sparse().size();
        long end = e.sparse().isEmpty() ? 0 : e.sparse().get(count - 1).offset() + e.sparse().get(count - 1).length();
        boolean trailingHole = end < e.size() || count == 0;
        s.append(count + (trailingHole ? 1 : 0)).append('\n');
        for (Extent x : e.sparse()) {
            s.append(x.offset()).append('\n').append(x.length()).append('\n');
        }
        if (trailingHole) {
            s.append(e.size()).append('\n').append(0).append('\n');
        }
        byte[] text = s.toString().getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(text, text.length + padding(text.length));
    }

    private static byte[] ustar(String name, char type, int mode, long uid, long gid, String user, String group, long mtime,
            long size, String link, int devMajor, int devMinor) {
        byte[] h = new byte[BLOCK];
        text(h, 0, 100, name);
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, uid);
        octal(h, 116, 8, gid);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        text(h, 157, 100, link);
        System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
        text(h, 265, 32, user);
        text(h, 297, 32, group);
        octal(h, 329, 8, devMajor);
        octal(h, 337, 8, devMinor);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String digits = String.format("%06o", sum);
        System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
        h[154] = 0;
        return h;
    }

    /** The field's text: ASCII as it is, anything else as '?' (the extended header then holds the real value). */
    private static void text(byte[] h, int at, int width, String value) {
        for (int i = 0; i < Math.min(width, value.length()); i++) {
            char c = value.charAt(i);
            h[at + i] = (byte) (c > 0 && c < 128 ? c : '?');
        }
    }

    private static void octal(byte[] h, int at, int width, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(width - 1 - digits.length()) + digits;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, at, width - 1);
    }

    /** A pax record, "LENGTH KEY=VALUE\n", LENGTH counting its own digits. */
    private static void record(ByteArrayOutputStream out, String key, String value) {
        record(out, key, utf8(value));
    }

    private static void record(ByteArrayOutputStream out, String key, byte[] value) {
        byte[] k = utf8(key);
        int base = k.length + value.length + 3;
        int length = base + Integer.toString(base).length();
        if (Integer.toString(length).length() != Integer.toString(base).length()) {
            length = base + Integer.toString(length).length();
        }
        out.writeBytes(utf8(length + " "));
        out.writeBytes(k);
        out.write('=');
        out.writeBytes(value);
        out.write('\n');
    }

    /** GNU tar's escaping of an attribute name inside a record key: '%' and '=' as %25 and %3D. */
    static String encodeXattrName(String name) {
        return name.replace("%", "%25").replace("=", "%3D");
    }

    static String decodeXattrName(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            if (key.startsWith("%25", i) || key.startsWith("%3D", i)) {
                out.append(key.charAt(i + 1) == '2' ? '%' : '=');
                i += 2;
            } else {
                out.append(key.charAt(i));
            }
        }
        return out.toString();
    }

    private static long clamp(long mtime) {
        return Math.max(0, Math.min(MAX_OCTAL_12, mtime));
    }

    private static boolean ascii(String s) {
        return s.chars().allMatch(c -> c > 0 && c < 128);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
