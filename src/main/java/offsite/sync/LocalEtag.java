package offsite.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Computes the ETag S3 gives a file uploaded with a given shape: the MD5 for a single PUT, or the MD5 of the
 * concatenated part MD5s followed by "-N" for a multipart upload. Streams the file with a fixed buffer.
 */
public final class LocalEtag {

    private static final int BUFFER = 1 << 20;

    private LocalEtag() {
    }

    public static String of(Path file, long size, UploadShape shape) throws IOException {
        if (!shape.multipart(size)) {
            try (InputStream in = Files.newInputStream(file)) {
                return single(in);
            }
        }
        return multipart(file, shape.partSizeFor(size));
    }

    /** The multipart ETag of a file cut in parts of partSize (a file smaller than one part gives "-1"). */
    public static String multipart(Path file, long partSize) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return multipart(in, partSize);
        }
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
