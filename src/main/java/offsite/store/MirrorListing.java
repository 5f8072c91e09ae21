package offsite.store;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The names and sizes of the objects a mirror pass left under a generation's prefix: what restore-set names the lost
 * objects from. Stored as one object beside the generations state, each key relative to the prefix as the bytes it
 * shares with the key before and the rest (sorted keys share most), sizes as varints, zstd-compressed: 100,000 objects
 * take a few hundred KB. ETags are left out: random hex does not compress, and a service whose listing gives another
 * ETag form than its upload answers would fail good sets. Its name and record hold the SHA-256 of that stream before
 * compression (contentDigest), so a pass finds its listing unchanged without compressing it.
 */
public record MirrorListing(String prefix, SortedMap<String, Long> sizes) {

    /** The stored form's first bytes; a stored listing that does not start with them is not one. */
    private static final byte[] MAGIC = "offsite mirror listing 1\n".getBytes(StandardCharsets.US_ASCII);
    /** Caps what a damaged or foreign object can make the reader allocate. */
    private static final int MAX_KEY_BYTES = 4096;

    public MirrorListing {
        sizes = Collections.unmodifiableSortedMap(new TreeMap<>(sizes));
    }

    /** The objects (all under prefix) as a listing, keys relative to the prefix. */
    public static MirrorListing of(String prefix, List<RemoteObject> objects) {
        SortedMap<String, Long> sizes = new TreeMap<>();
        for (RemoteObject o : objects) {
            if (o.key().startsWith(prefix)) {
                sizes.put(o.key().substring(prefix.length()), o.size());
            }
        }
        return new MirrorListing(prefix, sizes);
    }

    public long bytes() {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The stored form: the content stream (writeContent), zstd-compressed. */
    public byte[] encode() {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (ZstdOutputStream zstd = new ZstdOutputStream(stored, 9)) {
            writeContent(zstd);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return stored.toByteArray();
    }

    /**
     * The SHA-256 (hex) of the content stream: the same names and sizes always give the same one, whatever the
     * compressor makes of them. What a record points to and the stored object is named by; costs no compression.
     */
    public String contentDigest() {
        MessageDigest sha256 = sha256();
        try (OutputStream out = new BufferedOutputStream(new DigestOutputStream(OutputStream.nullOutputStream(), sha256), 1 << 16)) {
            writeContent(out);
        } catch (IOException e) {
            throw new IllegalStateException("writing to nowhere cannot fail", e);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** What encode compresses: MAGIC, the prefix, the count, then each key in order as shared bytes and the rest, and its size. */
    private void writeContent(OutputStream out) throws IOException {
        out.write(MAGIC);
        writeBytes(out, prefix.getBytes(StandardCharsets.UTF_8), 0);
        writeVarint(out, sizes.size());
        byte[] last = new byte[0];
        for (Map.Entry<String, Long> e : sizes.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            int shared = 0;
            while (shared < last.length && shared < key.length && last[shared] == key[shared]) {
                shared++;
            }
            writeVarint(out, shared);
            writeBytes(out, key, shared);
            writeVarint(out, e.getValue());
            last = key;
        }
    }

    /** The listing a stored form holds; throws IOException when it is none (damaged, cut short, another object). */
    public static MirrorListing decode(byte[] stored) throws IOException {
        try (DataInputStream in = new DataInputStream(new ZstdInputStream(new ByteArrayInputStream(stored)))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("it is not a mirror listing (it starts otherwise)");
            }
            String prefix = new String(readBytes(in), StandardCharsets.UTF_8);
            long count = readVarint(in);
            SortedMap<String, Long> sizes = new TreeMap<>();
            byte[] last = new byte[0];
            for (long i = 0; i < count; i++) {
                long shared = readVarint(in);
                if (shared > last.length) {
                    throw new IOException("entry " + i + " shares " + shared + " bytes with a key of " + last.length);
                }
                byte[] rest = readBytes(in);
                byte[] key = Arrays.copyOf(last, (int) shared + rest.length);
                System.arraycopy(rest, 0, key, (int) shared, rest.length);
                sizes.put(new String(key, StandardCharsets.UTF_8), readVarint(in));
                last = key;
            }
            if (in.read() >= 0) {
                throw new IOException("it holds more than its " + count + " entries");
            }
            return new MirrorListing(prefix, sizes);
        } catch (RuntimeException e) { // zstd reports damaged frames unchecked
            throw new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }

    /**
     * The SHA-256 (hex) of a stored form's compressed bytes: what records written before contentDigest point to, still
     * checked when such a listing is read back.
     */
    public static String storedDigest(byte[] stored) {
        return HexFormat.of().formatHex(sha256().digest(stored));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** A recorded object the bucket holds at another size. */
    public record Resized(String key, long recorded, long listed) {
    }

    /**
     * The listing against what the bucket lists under the same prefix now: the recorded keys missing (full keys, in
     * order), those at another size, and how many listed objects the record does not hold (uploaded since, not by a pass).
     */
    public record Comparison(List<String> missing, List<Resized> resized, int unrecorded) {
        public Comparison {
            missing = List.copyOf(missing);
            resized = List.copyOf(resized);
        }

        public boolean whole() {
            return missing.isEmpty() && resized.isEmpty();
        }
    }

    public Comparison compare(List<RemoteObject> listed) {
        Map<String, Long> now = new TreeMap<>();
        listed.stream().filter(o -> o.key().startsWith(prefix)).forEach(o -> now.put(o.key().substring(prefix.length()), o.size()));
        List<String> missing = new ArrayList<>();
        List<Resized> resized = new ArrayList<>();
        sizes.forEach((key, size) -> {
            Long found = now.remove(key);
            if (found == null) {
                missing.add(prefix + key);
            } else if (found.longValue() != size) {
                resized.add(new Resized(prefix + key, size, found));
            }
        });
        return new Comparison(missing, resized, now.size());
    }

    /** bytes from `from` on, after their length. */
    private static void writeBytes(OutputStream out, byte[] bytes, int from) throws IOException {
        writeVarint(out, bytes.length - from);
        out.write(bytes, from, bytes.length - from);
    }

    private static byte[] readBytes(InputStream in) throws IOException {
        long length = readVarint(in);
        if (length > MAX_KEY_BYTES) {
            throw new IOException("a key of " + length + " bytes, more than S3 allows");
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new EOFException("it is cut short");
        }
        return bytes;
    }

    private static void writeVarint(OutputStream out, long value) throws IOException {
        if (value < 0) {
            throw new IllegalArgumentException("negative " + value);
        }
        long v = value;
        while (v >= 0x80) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(InputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("it is cut short");
            }
            value |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return value;
            }
        }
        throw new IOException("a number longer than 9 bytes");
    }
}
