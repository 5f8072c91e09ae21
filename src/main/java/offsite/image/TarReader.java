package offsite.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import offsite.image.DataExtents.Extent;

/**
 * Reads the entries of a tar: the pax format Offsite writes (extended headers with raw xattr values, GNU 1.0
 * and 0.1 sparse files), what commons-compress wrote for earlier images, and plain ustar and GNU headers (long
 * names, base-256 numbers). Each header's checksum is checked. {@link #content()} streams the current entry's
 * data: a whole file, or a sparse file's data extents one after the other.
 */
final class TarReader {

    /** Most bytes of extended header or long name accepted: more is a damaged archive, not a name. */
    private static final int MAX_META = 16 << 20;

    private final InputStream in;
    private final byte[] block = new byte[TarHeaders.BLOCK];
    private long position;
    private long remaining;
    private long padding;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive; what is left of the previous entry's data is skipped. */
    TarEntry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        Map<String, byte[]> pax = new HashMap<>();
        String longName = null;
        String longLink = null;
        while (true) {
            long at = position;
            if (!readBlock() || allZero(block)) {
                return null;
            }
            checkSum(at);
            char type = (char) block[156];
            long size = number(124, 12);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                byte[] data = readMeta(size, at);
                if (type == 'x') {
                    pax.putAll(paxRecords(data, at));
                } else if (type == 'L') {
                    longName = cString(data);
                } else if (type == 'K') {
                    longLink = cString(data);
                } // 'g': global records; Offsite writes none and needs none
                continue;
            }
            if (type == 'S' || pax.containsKey("GNU.sparse.offset")) {
                throw new IOException("tar entry at byte " + at + " is an old GNU sparse file (format 0.0 or type S), which"
                        + " this restore does not read: extract it with GNU tar");
            }
            try {
                return entry(type, size, pax, longName, longLink, at);
            } catch (RuntimeException e) { // a number or field a damaged or hostile header holds: the archive's fault, told as such
                throw new IOException("the tar header at byte " + at + " is damaged: " + e.getMessage());
            }
        }
    }

    /** The current entry's data, ending where it ends. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("the tar ends inside an entry's data at byte " + position);
                }
                remaining -= n;
                position += n;
                return n;
            }
        };
    }

    private TarEntry entry(char type, long size, Map<String, byte[]> pax, String longName, String longLink, long at) throws IOException {
        boolean posix = Arrays.equals(block, 257, 263, "ustar\0".getBytes(StandardCharsets.US_ASCII), 0, 6);
        String name = field(0, 100);
        String prefix = posix ? field(345, 155) : "";
        if (!prefix.isEmpty()) {
            name = prefix + "/" + name;
        }
        name = text(pax, "path", longName != null ? longName : name);
        String link = text(pax, "linkpath", longLink != null ? longLink : field(157, 100));
        long stored = pax.containsKey("size") ? decimal(pax, "size", at) : size;
        if (stored < 0) {
            throw new IOException("the tar header at byte " + at + " announces " + stored + " bytes of data: damaged archive");
        }
        List<Xattr> xattrs = new ArrayList<>();
        pax.forEach((key, value) -> {
            if (key.startsWith("SCHILY.xattr.")) {
                xattrs.add(new Xattr(TarHeaders.decodeXattrName(key.substring("SCHILY.xattr.".length())), value));
            }
        });
        xattrs.sort(null);
        char kind = type == '\0' || type == '7' ? TarEntry.FILE : type;
        boolean noData = kind >= TarEntry.SYMLINK && kind <= TarEntry.FIFO; // their size field means nothing
        remaining = noData ? 0 : stored;
        padding = TarHeaders.padding(remaining);
        long mtime = pax.containsKey("mtime") ? new BigDecimal(text(pax, "mtime", "0")).setScale(0, RoundingMode.FLOOR).longValueExact()
                : number(136, 12);
        int mode = (int) (number(100, 8) & 07777);
        long uid = pax.containsKey("uid") ? decimal(pax, "uid", at) : number(108, 8);
        long gid = pax.containsKey("gid") ? decimal(pax, "gid", at) : number(116, 8);
        String user = text(pax, "uname", field(265, 32));
        String group = text(pax, "gname", field(297, 32));
        int devMajor = (int) number(329, 8);
        int devMinor = (int) number(337, 8);
        long realSize = stored;
        List<Extent> sparse = null; // the 1.0 map is read from the data blocks, after every header field
        if (pax.containsKey("GNU.sparse.major") && "1".equals(text(pax, "GNU.sparse.major", ""))) {
            name = text(pax, "GNU.sparse.name", name);
            realSize = decimal(pax, "GNU.sparse.realsize", at);
            sparse = sparseMap1(at);
        } else if (pax.containsKey("GNU.sparse.map")) {
            name = text(pax, "GNU.sparse.name", name);
            realSize = pax.containsKey("GNU.sparse.realsize") ? decimal(pax, "GNU.sparse.realsize", at) : decimal(pax, "GNU.sparse.size", at);
            sparse = extents(text(pax, "GNU.sparse.map", "").split(","), at);
        }
        if (kind == TarEntry.DIRECTORY && name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return new TarEntry(name, kind, mode, uid, gid, user, group, mtime, realSize, link, devMajor, devMinor, xattrs, sparse);
    }

    /** GNU sparse 1.0: the map is decimal lines at the start of the data, padded to a block; the extents follow. */
    private List<Extent> sparseMap1(long at) throws IOException {
        List<String> numbers = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        long count = -1;
        long used = 0;
        while (count < 0 || numbers.size() < 2 * count) {
            if (!readBlock()) {
                throw new EOFException("the tar ends inside the sparse map of the entry at byte " + at);
            }
            used += TarHeaders.BLOCK;
            for (byte b : block) {
                if (b == '\n') {
                    if (count < 0) {
                        count = Long.parseLong(line.toString());
                    } else {
                        numbers.add(line.toString());
                    }
                    line.setLength(0);
                    if (count >= 0 && numbers.size() == 2 * count) {
                        break;
                    }
                } else if (b >= '0' && b <= '9' && line.length() < 20) {
                    line.append((char) b);
                } else {
                    throw new IOException("the sparse map of the tar entry at byte " + at + " is damaged");
                }
            }
        }
        remaining -= used;
        padding = TarHeaders.padding(remaining);
        return extents(numbers.toArray(String[]::new), at);
    }

    /** Offset and length pairs; empty extents (the marker of a trailing hole) left out. */
    private static List<Extent> extents(String[] numbers, long at) throws IOException {
        if (numbers.length % 2 != 0) {
            throw new IOException("the sparse map of the tar entry at byte " + at + " has an odd count of numbers");
        }
        List<Extent> out = new ArrayList<>();
        try {
            for (int i = 0; i < numbers.length; i += 2) {
                long length = Long.parseLong(numbers[i + 1].trim());
                if (length > 0) {
                    out.add(new Extent(Long.parseLong(numbers[i].trim()), length));
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException("the sparse map of the tar entry at byte " + at + " is damaged: " + e.getMessage());
        }
        return out;
    }

    private byte[] readMeta(long size, long at) throws IOException {
        if (size < 0 || size > MAX_META) {
            throw new IOException("tar header at byte " + at + " announces " + size + " bytes of extended header: damaged archive");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new EOFException("the tar ends inside the extended header at byte " + at);
        }
        position += size;
        skip(TarHeaders.padding(size));
        return data;
    }

    /** "LENGTH KEY=VALUE\n" records; values stay bytes (an xattr's value is binary). */
    private static Map<String, byte[]> paxRecords(byte[] data, long at) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        int i = 0;
        while (i < data.length && data[i] != 0) {
            int space = i;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException("the extended header at byte " + at + " is damaged: a record has no length");
            }
            int end = i + length;
            if (length <= 0 || end > data.length || data[end - 1] != '\n') {
                throw new IOException("the extended header at byte " + at + " is damaged: a record overruns it");
            }
            int equals = space + 1;
            while (equals < end && data[equals] != '=') {
                equals++;
            }
            if (equals >= end) {
                throw new IOException("the extended header at byte " + at + " is damaged: a record has no '='");
            }
            out.put(new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8), Arrays.copyOfRange(data, equals + 1, end - 1));
            i = end;
        }
        return out;
    }

    private boolean readBlock() throws IOException {
        int n = in.readNBytes(block, 0, TarHeaders.BLOCK);
        position += n;
        if (n > 0 && n < TarHeaders.BLOCK) {
            throw new EOFException("the tar ends inside a header at byte " + (position - n));
        }
        return n == TarHeaders.BLOCK;
    }

    private void skip(long n) throws IOException {
        in.skipNBytes(n);
        position += n;
    }

    private void checkSum(long at) throws IOException {
        long stored = number(148, 8);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < TarHeaders.BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : block[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("not a tar archive, or a damaged one: the header at byte " + at + " fails its checksum");
        }
    }

    /** An octal field (spaces and NULs around it), or base-256 when its first byte has the high bit set. */
    private long number(int at, int width) {
        if ((block[at] & 0x80) != 0) {
            long value = block[at] == (byte) 0xff ? -1 : block[at] & 0x7f;
            for (int i = 1; i < width; i++) {
                value = (value << 8) | (block[at + i] & 0xff);
            }
            return value;
        }
        long value = 0;
        int i = at;
        while (i < at + width && (block[i] == ' ' || block[i] == 0)) {
            i++;
        }
        for (; i < at + width && block[i] >= '0' && block[i] <= '7'; i++) {
            value = (value << 3) | (block[i] - '0');
        }
        return value;
    }

    private String field(int at, int width) {
        int end = at;
        while (end < at + width && block[end] != 0) {
            end++;
        }
        return TarName.decode(block, at, end - at); // a name's bytes that are not UTF-8 kept, as written
    }

    private static String text(Map<String, byte[]> pax, String key, String otherwise) {
        byte[] value = pax.get(key);
        return value == null ? otherwise : TarName.decode(value);
    }

    private static long decimal(Map<String, byte[]> pax, String key, long at) throws IOException {
        try {
            return Long.parseLong(text(pax, key, ""));
        } catch (NumberFormatException e) {
            throw new IOException("the extended header at byte " + at + " has " + key + "=" + text(pax, key, "") + ", not a number");
        }
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return TarName.decode(data, 0, end);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
