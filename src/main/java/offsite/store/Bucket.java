package offsite.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bucket, as every pipeline uses it: the one seam between Offsite and S3 (restic's backend interface is the
 * model). Implemented once over the one S3 client ({@link S3Bucket}); what a service lacks is made up for around it
 * ({@link Fallbacks}). Failures are {@link StoreException}s naming the operation and the key; none carries a
 * credential.
 */
public interface Bucket {

    /**
     * User metadata naming the part size of a multipart upload, for services that ignore HEAD's partNumber; callers
     * store it at {@link #createUpload}.
     */
    String PART_SIZE_METADATA = "offsite-part-size";

    /** The bucket's name, for messages and reports. */
    String name();

    /**
     * Null when the bucket exists and the credentials open it (a missing one is created when allowed), otherwise
     * one line saying what is wrong and what to do.
     */
    String problem();

    /** Whether the bucket exists, without creating it (a dry run must write nothing); throws when it cannot tell. */
    boolean exists();

    /**
     * Every object under the prefix, in key order, "folder/" markers left out. Follows the listing to its end
     * (IsTruncated and the continuation token), never guessing from a page's size: the list is whole or this throws.
     */
    List<RemoteObject> list(String prefix);

    /** The object at key with its user metadata, or empty when there is none. */
    Optional<StoredObject> head(String key);

    /**
     * One PUT; returns the ETag the server gave. contentMd5 (base64, may be null) makes the server refuse damaged
     * bytes; metadata (may be empty) is stored as x-amz-meta-*. The body is opened again on a retry.
     */
    String put(String key, Body body, String contentMd5, Map<String, String> metadata);

    /** Starts a multipart upload; nothing is visible at key until it is completed. */
    String createUpload(String key, Map<String, String> metadata);

    /** Sends one part; returns its ETag, or null when the answer carried none (unconfirmed: send it again). */
    String uploadPart(String key, String uploadId, int number, Body body, String contentMd5);

    /** The parts stored so far of a pending upload, by number. */
    List<StoredPart> listParts(String key, String uploadId);

    /** Makes the upload the object at key; returns its ETag (the object's own when the answer lost it). */
    String completeUpload(String key, String uploadId, List<StoredPart> parts);

    /** Aborts a pending upload until it is gone; one already gone is not an error. */
    void abortUpload(String key, String uploadId);

    /** The multipart uploads pending under the prefix, oldest first. */
    List<PendingUpload> pendingUploads(String prefix);

    /** The object's bytes from offset to its end; a body cut short ends in an IOException, never a quiet end. */
    InputStream get(String key, long offset) throws IOException;

    /** The size of the first part of a multipart object, to re-compute its ETag. */
    long firstPartSize(String key);

    /** Copies an object within the bucket (UploadPartCopy above 5 GiB); the source stays. */
    void copy(String fromKey, String toKey, long size);

    /** Deletes the object; deleting one that is not there is not an error. */
    void delete(String key);

    /** Whether the bucket keeps a replaced object as a noncurrent version (versioning enabled). */
    boolean versioned();

    /** A request body of known length that can be read again from its start (for retries). */
    record Body(long length, Source source) {
        /** Opens the body's bytes from their start. */
        @FunctionalInterface
        public interface Source {
            InputStream open() throws IOException;
        }

        public Body {
            if (length < 0) {
                throw new IllegalArgumentException("body length " + length);
            }
        }

        public static Body of(byte[] bytes) {
            return new Body(bytes.length, () -> new java.io.ByteArrayInputStream(bytes));
        }
    }

    /** An object as HEAD reports it: size, ETag without quotes, and its user metadata (names in lower case). */
    record StoredObject(String key, long size, String etag, Instant lastModified, Map<String, String> metadata) {
        public StoredObject {
            etag = etag == null ? "" : etag.replace("\"", "");
            metadata = Map.copyOf(metadata);
        }
    }

    /** A part already stored: its number, size and ETag (the MD5 of its bytes on most services). */
    record StoredPart(int number, long size, String etag) {
    }

    /** A multipart upload in progress: its key, id and when it began (null when unknown). */
    record PendingUpload(String key, String uploadId, Instant initiated) {
    }
}
