package offsite.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.commons.io.input.ProxyInputStream;

/**
 * Puts a local file (image objects, manifests) as one streamed PUT, read afresh on each attempt; the returned ETag
 * must equal the MD5 of the bytes read, or the upload fails. For new keys only: nothing older is overwritten.
 */
public final class CheckedPut {

    private final Bucket bucket;

    public CheckedPut(Bucket bucket) {
        this.bucket = bucket;
    }

    public String putFile(String key, Path file, LongConsumer sent) throws IOException {
        long size = Files.size(file);
        MessageDigest md5 = md5();
        Bucket.Body body = new Bucket.Body(size, () -> {
            md5.reset();
            InputStream in = Files.newInputStream(file);
            return new DigestInputStream(new ProxyInputStream(in) {
                @Override
                protected void afterRead(int n) {
                    if (n > 0) {
                        sent.accept(n);
                    }
                }
            }, md5);
        });
        String etag = bucket.put(key, body, null, Map.of());
        String expected = HexFormat.of().formatHex(md5.digest());
        if (!etag.equalsIgnoreCase(expected)) {
            throw new IOException("the server stored " + key + " with ETag " + etag + ", the bytes sent have MD5 " + expected);
        }
        return etag;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
