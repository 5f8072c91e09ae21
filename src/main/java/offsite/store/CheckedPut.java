package offsite.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.apache.commons.io.input.ProxyInputStream;

/**
 * Puts a local file (image objects, manifests) as one streamed PUT, read afresh on each attempt; the returned ETag
 * must equal the MD5 of the bytes read, or the upload fails. For new keys only: nothing older is overwritten. An ETag
 * that differs sends the bytes once more under their Content-MD5 and md5chksum, which tells a service whose ETags are
 * not MD5s ({@link EtagForm}) from damage; where that is known, the file is hashed first, sent under both, and
 * confirmed by its size and md5chksum with a HEAD.
 */
public final class CheckedPut {

    private final Bucket bucket;
    private final EtagForm etags;

    public CheckedPut(Bucket bucket, EtagForm etags) {
        this.bucket = bucket;
        this.etags = etags;
    }

    /** A data object (image data, secret archive): in offsite.s3.storage-class. */
    public String putFile(String key, Path file, LongConsumer sent) throws IOException {
        return put(key, file, sent, Bucket.Kind.DATA);
    }

    /** A state object (an image manifest): in the service's default class, whatever offsite.s3.storage-class says. */
    public String putStateFile(String key, Path file, LongConsumer sent) throws IOException {
        return put(key, file, sent, Bucket.Kind.STATE);
    }

    private String put(String key, Path file, LongConsumer sent, Bucket.Kind kind) throws IOException {
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
        if (etags.opaque()) {
            String expected = md5Of(file);
            bucket.put(key, body, EtagForm.base64(expected), EtagForm.metadata(expected), kind);
            Optional<Bucket.StoredObject> head = bucket.head(key);
            String problem = EtagForm.problem(head, size, expected);
            if (problem != null) {
                throw new IOException("the server did not store " + key + " as sent: " + problem);
            }
            return head.get().etag();
        }
        String etag = bucket.put(key, body, null, Map.of(), kind);
        String expected = HexFormat.of().formatHex(md5.digest());
        if (!etag.equalsIgnoreCase(expected)) { // a lost answer, damage, or ETags that are no MD5s: once more under the MD5
            etag = bucket.put(key, body, EtagForm.base64(expected), EtagForm.metadata(expected), kind);
            if (etag.equalsIgnoreCase(expected) || etags.shownByObject(key, size, expected, etag, bucket.head(key))) {
                return etag;
            }
            throw new IOException("the server stored " + key + " with ETag " + etag + ", the bytes sent have MD5 " + expected);
        }
        return etag;
    }

    private static String md5Of(Path file) throws IOException {
        MessageDigest md5 = md5();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md5)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
