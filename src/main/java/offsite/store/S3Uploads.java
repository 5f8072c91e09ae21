package offsite.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Chunk uploads, done beside the Camel component because it cannot do them: its multipart upload aborts on
 * failure and never resumes, and its PUT cannot re-open a bandwidth-limited stream when the SDK retries.
 * Here an upload left pending by an earlier run is found, its parts listed, and parts sent one by one;
 * a pending upload is invisible in the bucket until completed.
 */
public final class S3Uploads {

    /** A part already stored: its number, size and ETag (the MD5 of its bytes). */
    public record StoredPart(int number, long size, String etag) {
    }

    /** An upload in progress: its key, id and when it began. */
    public record Pending(String key, String uploadId, java.time.Instant initiated) {
    }

    private final S3Client s3;
    private final String bucket;

    public S3Uploads(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Every upload pending under the prefix, oldest first, paging through the listing. */
    public List<Pending> pending(String prefix) {
        List<Pending> out = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        while (true) {
            final String km = keyMarker;
            final String im = idMarker;
            ListMultipartUploadsResponse page = s3.listMultipartUploads(b -> b.bucket(bucket).prefix(prefix)
                    .keyMarker(km).uploadIdMarker(im));
            for (MultipartUpload u : page.uploads()) {
                out.add(new Pending(u.key(), u.uploadId(), u.initiated()));
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            idMarker = page.nextUploadIdMarker();
        }
        out.sort(Comparator.comparing(Pending::initiated, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    public List<StoredPart> parts(String key, String uploadId) {
        List<StoredPart> out = new ArrayList<>();
        Integer marker = null;
        while (true) {
            final Integer m = marker;
            ListPartsResponse page = s3.listParts(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumberMarker(m));
            for (Part p : page.parts()) {
                out.add(new StoredPart(p.partNumber(), p.size(), p.eTag().replace("\"", "")));
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                break;
            }
            marker = page.nextPartNumberMarker();
        }
        return out;
    }

    /** A single PUT; the Content-MD5 (base64) makes the server refuse damaged bytes instead of storing them. */
    public String put(String key, RequestBody body, String contentMd5) {
        String etag = s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/octet-stream")
                .contentLength(body.optionalContentLength().orElseThrow()).contentMD5(contentMd5), body).eTag();
        if (etag == null && contentMd5 != null) {
            // the answer was cut: the object tells whether these bytes arrived (its ETag is their MD5)
            String expected = java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(contentMd5));
            String stored = storedEtag(key);
            etag = expected.equalsIgnoreCase(stored) ? stored : null;
        }
        return etag(etag, "the PUT of " + key);
    }

    /** The ETag of the object at key, or null when there is none. */
    public String storedEtag(String key) {
        try {
            String etag = s3.headObject(b -> b.bucket(bucket).key(key)).eTag();
            return etag == null ? null : etag.replace("\"", "");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Puts a local file (image objects, manifests) as one streamed PUT, read afresh on each attempt; the returned
     * ETag must equal the MD5 of the bytes read, or the upload fails (a new key: nothing older is overwritten).
     * The component's own PUT of a java.io.File was refused for objects over 128 MB here, and its stream PUT
     * buffers the whole body in memory.
     */
    public String putFile(String key, java.nio.file.Path file, java.util.function.LongConsumer sent) throws java.io.IOException {
        long size = java.nio.file.Files.size(file);
        java.security.MessageDigest md5 = md5();
        RequestBody body = RequestBody.fromContentProvider(() -> {
            md5.reset();
            try {
                return new java.security.DigestInputStream(new org.apache.commons.io.input.ProxyInputStream(java.nio.file.Files.newInputStream(file)) {
                    @Override
                    protected void afterRead(int n) {
                        if (n > 0) {
                            sent.accept(n);
                        }
                    }
                }, md5);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }, size, "application/octet-stream");
        String etag = put(key, body, null);
        String expected = java.util.HexFormat.of().formatHex(md5.digest());
        if (!etag.equalsIgnoreCase(expected)) {
            throw new java.io.IOException("the server stored " + key + " with ETag " + etag + ", the bytes sent have MD5 " + expected);
        }
        return etag;
    }

    private static java.security.MessageDigest md5() {
        try {
            return java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes the object at key: only one this run has just stored and found unsound (a new key, nothing older). */
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    public String begin(String key) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("application/octet-stream")).uploadId();
    }

    /**
     * Sends one part and returns its ETag, the MD5 the server computed, or null when the answer carried none (cut
     * short in its headers). Without a Content-MD5 (null) the caller compares that ETag with the digest it took
     * while sending: a damaged part, or one without a sound answer, is sent again before completing.
     */
    public String sendPart(String key, String uploadId, int number, RequestBody body, String contentMd5) {
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                .contentLength(body.optionalContentLength().orElseThrow()).contentMD5(contentMd5), body).eTag();
        return etag == null ? null : etag.replace("\"", "");
    }

    /**
     * Makes the object visible; returns its ETag. When the answer to a completion is lost (the server restarted, the
     * connection broke) the server may have completed it: the retry then finds no such upload, or the answer has no
     * ETag. The object's own ETag is returned then, which the caller checks against the one it expects.
     */
    public String complete(String key, String uploadId, List<StoredPart> parts) {
        List<CompletedPart> completed = parts.stream()
                .sorted(Comparator.comparingInt(StoredPart::number))
                .map(p -> CompletedPart.builder().partNumber(p.number()).eTag(p.etag()).build())
                .toList();
        String etag;
        try {
            etag = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build())).eTag();
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            etag = null;
        }
        if (etag == null) {
            try {
                etag = s3.headObject(b -> b.bucket(bucket).key(key)).eTag();
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                throw new IllegalStateException("the answer to the completion of " + key + " was lost, and its upload is gone with no"
                        + " object in its place yet (" + e.statusCode() + " to a HEAD): the next run finds it complete or sends it again");
            }
        }
        return etag(etag, "the completion of " + key);
    }

    /** The ETag without quotes; an answer without one was cut short in its headers (the JDK client accepts those). */
    private static String etag(String etag, String what) {
        if (etag == null) {
            throw new IllegalStateException("S3's answer to " + what + " carried no ETag (cut short?): its bytes are not confirmed");
        }
        return etag.replace("\"", "");
    }

    /**
     * Aborts a multipart upload until it is gone. A part still in flight when the abort arrives may be stored after
     * it (S3's documentation says to abort again); and after a part whose body failed mid-request (its file changed
     * or went away) the pooled connection can answer the next request with 400. Three asks at most.
     */
    public void abort(String key, String uploadId) {
        for (int attempt = 1; ; attempt++) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (software.amazon.awssdk.services.s3.model.NoSuchUploadException gone) {
                return;
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (e.statusCode() != 400 || attempt >= 3) {
                    throw e;
                }
                continue;
            }
            if (attempt >= 3 || pending(key).stream().noneMatch(p -> p.uploadId().equals(uploadId))) {
                return;
            }
            try {
                Thread.sleep(200L * attempt); // let the part in flight land, then abort what it left
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
