package offsite.image;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import offsite.files.Sha256;

/**
 * The layout of the complete image, kept beside its signature: for each entry, by name in the tar's order, where
 * it lies in the tar (offset, and length with header and padding), what its file looked like (size, mtime and
 * ctime to the nanosecond, device and inode), and the SHA-256 of its bytes (the header holds mode, owner, names,
 * extended attributes and link target, so the digest covers them too). A delta copies an entry from the complete
 * image only when its bytes have that digest. The header names the complete image and the selection it was made
 * with (a fingerprint of the secret globs and scrub rules), and its last 32 bytes are the SHA-256 of all before. Written once per
 * complete image, read as a stream in name order, so a tree of any size costs no memory.
 */
final class ImageIndex {

    private static final int MAGIC = 0x4f464958; // "OFIX"
    private static final int VERSION = 1;

    /** One entry of the complete image. */
    record Entry(String name, long offset, long length, long size, long mtimeSeconds, int mtimeNanos, long ctimeSeconds,
            int ctimeNanos, long device, long inode, byte[] sha256) {

        /** The file still looks as it did: same inode, size, mtime and ctime. Its bytes may still differ. */
        boolean sameFile(FileStatus st) {
            return st.device() == device && st.inode() == inode && st.size() == size && st.mtimeSeconds() == mtimeSeconds
                    && st.mtimeNanos() == mtimeNanos && st.ctimeSeconds() == ctimeSeconds && st.ctimeNanos() == ctimeNanos;
        }

        boolean sameBytes(byte[] digest) {
            return Arrays.equals(sha256, digest);
        }
    }

    private ImageIndex() {
    }

    /** An index that cannot be read as written: the delta then matches every entry. */
    static final class Damaged extends IOException {
        Damaged(String message) {
            super(message);
        }
    }

    /** Writes an index entry by entry, in tar order. */
    static final class Writer implements Closeable {
        private final DataOutputStream out;
        private final OutputStream file;
        private final MessageDigest sha = Sha256.digest();

        Writer(Path path, String completeId, String fingerprint) throws IOException {
            Files.createDirectories(path.toAbsolutePath().getParent());
            file = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
            out = new DataOutputStream(new DigestOutputStream(file, sha));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(completeId);
            out.writeUTF(fingerprint);
        }

        void add(String name, long offset, long length, FileStatus st, byte[] sha256) throws IOException {
            out.writeBoolean(true);
            writeName(name);
            out.writeLong(offset);
            out.writeLong(length);
            boolean file = st != null;
            out.writeLong(file ? st.size() : -1);
            out.writeLong(file ? st.mtimeSeconds() : 0);
            out.writeInt(file ? st.mtimeNanos() : 0);
            out.writeLong(file ? st.ctimeSeconds() : 0);
            out.writeInt(file ? st.ctimeNanos() : 0);
            out.writeLong(file ? st.device() : -1);
            out.writeLong(file ? st.inode() : -1);
            out.write(sha256);
        }

        /** Names can exceed writeUTF's 64 KiB: a length, then UTF-8. */
        private void writeName(String name) throws IOException {
            byte[] bytes = TarName.bytes(name);
            out.writeInt(bytes.length);
            out.write(bytes);
        }

        @Override
        public void close() throws IOException {
            out.writeBoolean(false);
            out.flush();
            file.write(sha.digest());
            file.close();
        }
    }

    /**
     * Rewrites the index as the index of complete image completeId (a backup that took another id before its upload):
     * the header names it, the entries stay, the digest is taken again.
     */
    static void renamed(Path file, String completeId) throws IOException {
        Path renamed = file.resolveSibling(file.getFileName() + ".renamed");
        try (Reader reader = new Reader(file)) {
            long entries = Files.size(file) - reader.headerSize - 1 - 32; // before the end mark, which close writes, and the digest
            try (Writer writer = new Writer(renamed, completeId, reader.fingerprint)) {
                byte[] buffer = new byte[1 << 16];
                for (long left = entries; left > 0; ) {
                    int n = reader.in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new Damaged(file + " is truncated");
                    }
                    writer.out.write(buffer, 0, n);
                    left -= n;
                }
            }
        }
        Files.move(renamed, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads an index forward: {@link #find} must be asked names in increasing byte order, as the tree walk gives them. */
    static final class Reader implements Closeable {
        private final Path file;
        private final InputStream raw;
        private final MessageDigest sha = Sha256.digest();
        private final DataInputStream in;
        private final String completeId;
        private final String fingerprint;
        private final long headerSize;
        private Entry next;
        private boolean ended;

        private Reader(Path file) throws IOException {
            this.file = file;
            this.raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            this.in = new DataInputStream(new DigestInputStream(raw, sha));
            try {
                if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                    throw new Damaged(file + " is not an image index of this version");
                }
                completeId = in.readUTF();
                fingerprint = in.readUTF();
                headerSize = 8 + utfSize(completeId) + utfSize(fingerprint);
            } catch (EOFException e) {
                in.close();
                throw new Damaged(file + " is truncated: its header is incomplete");
            } catch (UTFDataFormatException e) {
                in.close();
                throw new Damaged(file + " is damaged: its header does not parse");
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }

        private static long utfSize(String s) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new DataOutputStream(bytes).writeUTF(s);
            return bytes.size();
        }

        /** The index, or null when there is none. A damaged one fails: the caller reads the whole tree instead. */
        static Reader open(Path file) throws IOException {
            return Files.exists(file) ? new Reader(file) : null;
        }

        /** The id of the complete image it describes: an index beside another image's signature is not used. */
        String completeId() {
            return completeId;
        }

        String fingerprint() {
            return fingerprint;
        }

        /** The entry of that name in the complete image, or null. */
        Entry find(String name) throws IOException {
            while (true) {
                if (next == null && !ended) {
                    next = read();
                    ended = next == null;
                }
                if (next == null) {
                    return null;
                }
                int order = TreeWalk.BYTE_ORDER.compare(next.name(), name);
                if (order == 0) {
                    return next;
                }
                if (order > 0) {
                    return null;
                }
                next = null;
            }
        }

        /** Reads what is left and checks the index's own SHA-256: a damaged index must not have given a wrong copy. */
        void verify() throws IOException {
            while (!ended) {
                next = read();
                ended = next == null;
            }
        }

        private Entry read() throws IOException {
            try {
                if (!in.readBoolean()) {
                    byte[] expected = raw.readNBytes(32);
                    if (!Arrays.equals(expected, sha.digest())) {
                        throw new Damaged(file + " is damaged: its content does not match its SHA-256");
                    }
                    return null;
                }
                int length = in.readInt();
                if (length < 0 || length > 1 << 20) {
                    throw new Damaged(file + " is damaged: an entry's name has " + length + " bytes");
                }
                byte[] name = new byte[length];
                in.readFully(name);
                Entry e = new Entry(TarName.decode(name), in.readLong(), in.readLong(), in.readLong(),
                        in.readLong(), in.readInt(), in.readLong(), in.readInt(), in.readLong(), in.readLong(), new byte[32]);
                in.readFully(e.sha256());
                return e;
            } catch (EOFException e) {
                throw new Damaged(file + " is truncated: the image index ends inside an entry");
            } catch (UTFDataFormatException e) {
                throw new Damaged(file + " is damaged: " + e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** What the index's copies depend on besides the files: the secret globs and the scrub rules. */
    static String fingerprint(TreeSelection selection) {
        MessageDigest sha = Sha256.digest();
        for (String s : selection.secrets()) {
            sha.update(("secret " + s + "\n").getBytes(StandardCharsets.UTF_8));
        }
        for (String s : selection.scrubRules()) {
            sha.update(("rule " + s + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
