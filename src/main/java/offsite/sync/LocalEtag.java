package offsite.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes the ETag S3 gives a file uploaded with a given shape: the MD5 for a single PUT, or the MD5 of the
 * concatenated part MD5s followed by "-N" for a multipart upload. Streams the file with a fixed buffer.
 */
public final class LocalEtag {

    private static final int BUFFER = 1 << 20;
    static final int FILE_BUFFER = 256 << 10;
    /**
     * One direct buffer per hashing thread, reused: a new one per file is freed only when a GC happens to run, so a
     * plan hashing 20,000 files held hundreds of MB of them beside the heap (RSS 790 MB under a 384 MB heap).
     */
    private static final ThreadLocal<ByteBuffer> FILE_BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(FILE_BUFFER));

    private LocalEtag() {
    }

    public static String of(Path file, long size, UploadShape shape) throws IOException {
        if (!shape.multipart(size)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                MessageDigest md5 = md5();
                digest(channel, 0, Long.MAX_VALUE, md5, FILE_BUFFERS.get());
                return HexFormat.of().formatHex(md5.digest());
            }
        }
        return multipart(file, shape.partSizeFor(size));
    }

    /** The multipart ETag of a file cut in parts of partSize (a file smaller than one part gives "-1"). */
    public static String multipart(Path file, long partSize) throws IOException {
        return multipart(file, partSize, null);
    }

    /** A file's multipart ETag and the MD5 of its whole content, from one read. */
    public record Digests(String etag, String md5) {
    }

    /**
     * The multipart ETag of a file cut in parts of partSize and its whole MD5 (the md5chksum an upload stores where
     * ETags are not MD5s), from one read of the file: each buffer goes to both digests.
     */
    public static Digests digests(Path file, long partSize) throws IOException {
        MessageDigest whole = md5();
        String etag = multipart(file, partSize, whole);
        return new Digests(etag, HexFormat.of().formatHex(whole.digest()));
    }

    /** The multipart ETag; every byte read also goes to whole when it is not null. */
    private static String multipart(Path file, long partSize, MessageDigest whole) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MessageDigest ofParts = md5();
            MessageDigest part = md5();
            ByteBuffer buffer = FILE_BUFFERS.get();
            int parts = 0;
            for (long at = 0; ; at += partSize) {
                long read = digest(channel, at, partSize, part, whole, buffer);
                if (read == 0 && parts > 0) {
                    break;
                }
                ofParts.update(part.digest());
                parts++;
                if (read < partSize) {
                    break;
                }
            }
            return multipartEtag(ofParts.digest(), parts);
        }
    }

    /**
     * Digests up to length bytes from position, to the end of the file at most; returns how many. The file is read
     * into a direct buffer small enough to stay in cache, which the digest then reads: a heap buffer would cost
     * one more copy of every byte (the JDK reads into a direct buffer of its own first).
     */
    static long digest(FileChannel channel, long position, long length, MessageDigest digest, ByteBuffer buffer) throws IOException {
        return digest(channel, position, length, digest, null, buffer);
    }

    /** As above, each buffer also going to also when it is not null. */
    private static long digest(FileChannel channel, long position, long length, MessageDigest digest, MessageDigest also, ByteBuffer buffer)
            throws IOException {
        long done = 0;
        while (done < length) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - done));
            int n = channel.read(buffer, position + done);
            if (n < 0) {
                break;
            }
            digest.update(buffer.flip());
            if (also != null) {
                also.update(buffer.rewind());
            }
            done += n;
        }
        return done;
    }

    /** The multipart ETag of a stream cut in parts of partSize. */
    public static String multipart(InputStream in, long partSize) throws IOException {
        MessageDigest whole = md5();
        MessageDigest part = md5();
        int parts = 0;
        long inPart = 0;
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = in.read(buffer, 0, (int) Math.min(buffer.length, partSize - inPart))) > 0; ) {
            part.update(buffer, 0, n);
            inPart += n;
            if (inPart == partSize) {
                whole.update(part.digest());
                parts++;
                inPart = 0;
            }
        }
        if (inPart > 0 || parts == 0) {
            whole.update(part.digest());
            parts++;
        }
        return multipartEtag(whole.digest(), parts);
    }

    /** The single-PUT ETag of a stream read to its end: its MD5 in hex. */
    public static String single(InputStream in) throws IOException {
        MessageDigest md5 = md5();
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = in.read(buffer)) > 0; ) {
            md5.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** The multipart ETag from the digest over the part MD5s. */
    public static String multipartEtag(byte[] digestOfPartDigests, int parts) {
        return HexFormat.of().formatHex(digestOfPartDigests) + "-" + parts;
    }

    public static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by the Java platform", e);
        }
    }
}
