package offsite.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bucket, as every pipeline uses it: the one seam between Offsite and S3 (restic's backend interface is the
 * model). Implemented once over the one S3 client ({@link S3Bucket}); what a service lacks is made up for around it
 * ({@link FallbackBucket}, {@link Fallbacks}). Failures are {@link StoreException}s naming the operation and the key;
 * none carries a credential.
 *
 * <p>Keys are any UTF-8 text S3 takes (spaces, '+', '%', '#', '?', '&amp;', non-ASCII) and are given and returned
 * exactly, never URL-encoded. Every operation is safe to call again after a failure: a retried request may find
 * its work done. BucketContractTest holds these promises on every S3 implementation the tests can start.
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
     * Every object under the prefix (a plain string prefix, also matching keys in sub-folders), in key order, with its
     * size and ETag; "folder/" markers left out. Follows the listing to its end (IsTruncated and the continuation
     * token), whatever a page's size: the list is whole or this throws, and a page marked truncated that does not
     * move the listing on fails it rather than looping.
     */
    List<RemoteObject> list(String prefix);

    /** The object at key: size, ETag and user metadata (names in lower case); empty when there is none. */
    Optional<StoredObject> head(String key);

    /**
     * What an object holds, which decides its storage class (offsite.s3.storage-class, kept by the bucket, never by
     * callers).
     */
    enum Kind {
        /** Backup data (set chunks, their trash copies, image data): stored in the configured class. */
        DATA,
        /**
         * Small objects rewritten or deleted often (leases, the generations file, image manifests): always the service's
         * default class, since the infrequent-access classes bill each object for at least 128 KiB and 30 days.
         */
        STATE
    }

    /**
     * One PUT of an object of any size up to 5 GiB, 0 included; returns its ETag (the MD5 of the bytes stored, read
     * with a HEAD when the answer lost it). contentMd5 (base64, may be null) makes the server refuse damaged bytes,
     * leaving any older object in place; where the service refuses Content-MD5 the body goes without it, and the
     * caller's check of the returned ETag is what catches damage. metadata (may be empty) is stored as x-amz-meta-*.
     * kind decides the storage class. The body is opened again on a retry.
     */
    String put(String key, Body body, String contentMd5, Map<String, String> metadata, Kind kind);

    /** {@link #put(String, Body, String, Map, Kind)} of a data object. */
    default String put(String key, Body body, String contentMd5, Map<String, String> metadata) {
        return put(key, body, contentMd5, metadata, Kind.DATA);
    }

    /**
     * Starts a multipart upload of a data object (in its storage class); nothing is visible at key (nor in {@link #list})
     * until it is completed. Callers store the part size as {@link #PART_SIZE_METADATA}, which {@link #firstPartSize}
     * may need.
     */
    String createUpload(String key, Map<String, String> metadata);

    /** Sends one part; returns its ETag, or null when the answer carried none (unconfirmed: send it again). */
    String uploadPart(String key, String uploadId, int number, Body body, String contentMd5);

    /**
     * The parts stored so far of a pending upload, by number, each with its size and ETag (the MD5 of its bytes);
     * from the upload journal where the service does not list parts (only parts this data directory sent).
     */
    List<StoredPart> listParts(String key, String uploadId);

    /**
     * Makes the upload the object at key; returns its ETag: S3's MD5 of the part MD5s with "-" and the number of
     * parts, or, on a service that gives multipart objects the MD5 of their whole content (a named fallback), that
     * MD5. An answer that lost its ETag, or a retry finding the upload already completed, is settled by a HEAD.
     */
    String completeUpload(String key, String uploadId, List<StoredPart> parts);

    /**
     * Aborts a pending upload until it is gone; one already gone is not an error. Where the service refuses aborts,
     * the journal forgets the upload and its parts are left to the service.
     */
    void abortUpload(String key, String uploadId);

    /**
     * The multipart uploads pending under the prefix, oldest first; from the upload journal where the service does
     * not list them. May hold uploads whose creation answer was lost: callers abort what they do not resume.
     */
    List<PendingUpload> pendingUploads(String prefix);

    /**
     * The object's bytes from offset (0 to its size, the size giving no bytes) to its end; where the service refuses
     * or ignores ranges, the bytes before offset are read and skipped. A body cut short ends in an IOException naming
     * the key and how far it came, never a quiet end.
     */
    default InputStream get(String key, long offset) throws IOException {
        return download(key, offset).body();
    }

    /**
     * {@link #get}, with what the GET's answer tells of the object besides its bytes: its user metadata (names in lower
     * case) and LastModified, so a caller needs no HEAD for them.
     */
    Download download(String key, long offset) throws IOException;

    /**
     * The size of the first part of a multipart object, to re-compute its ETag: from HEAD with partNumber, or where
     * the service ignores partNumber from its {@link #PART_SIZE_METADATA}; throws when neither tells.
     */
    long firstPartSize(String key);

    /**
     * Copies a data object within the bucket with its metadata, part by part (UploadPartCopy) above the copy limit
     * (5 GiB), the copy in the data objects' storage class (a copy without one is STANDARD on AWS); the source stays.
     * Returns once the copy is there with the source's size, so a move may delete the source next. Where the service
     * cannot copy (CopyObject or UploadPartCopy refused, or a source key it cannot name) this throws a StoreException
     * whose unsupported() is true, the fallback named once: the caller decides whether a download and upload may
     * replace the copy.
     */
    void copy(String fromKey, String toKey, long size);

    /** Deletes the object; deleting one that is not there (or deleting twice) is not an error. */
    void delete(String key);

    /**
     * Whether the bucket keeps a replaced object as a noncurrent version (versioning enabled); false where the
     * service does not tell.
     */
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
            return new Body(bytes.length, () -> new ByteArrayInputStream(bytes));
        }
    }

    /** An object's bytes from an offset, with the user metadata (names in lower case) and LastModified (null: not told) its GET answered. */
    record Download(InputStream body, Map<String, String> metadata, Instant lastModified) {
        public Download {
            metadata = Map.copyOf(metadata);
        }
    }

    /** An object as HEAD reports it: size, ETag without quotes, and its user metadata (names in lower case). */
    record StoredObject(String key, long size, String etag, Instant lastModified, Map<String, String> metadata) {
        public StoredObject {
            etag = etag == null ? "" : etag.replace("\"", "");
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * A part already stored: its number, size and ETag (the MD5 of its bytes on most services), and md5, the MD5 (hex)
     * of its bytes as the service checked it when this data directory sent it with Content-MD5 and the ETag answered
     * was not it (null otherwise): where ETags are not MD5s, what a resumed upload checks a stored part by.
     */
    record StoredPart(int number, long size, String etag, String md5) {
        public StoredPart(int number, long size, String etag) {
            this(number, size, etag, null);
        }
    }

    /**
     * A multipart upload in progress: its key, id, when it began (null when unknown), md5, the whole content's MD5 (hex)
     * its {@link EtagForm#MD5_METADATA} metadata was given when this data directory created it, and mtime, the text of its
     * {@link MtimeMetadata#NAME} metadata then (each null otherwise): what the completed object will carry.
     */
    record PendingUpload(String key, String uploadId, Instant initiated, String md5, String mtime) {
        public PendingUpload(String key, String uploadId, Instant initiated) {
            this(key, uploadId, initiated, null, null);
        }

        public PendingUpload(String key, String uploadId, Instant initiated, String md5) {
            this(key, uploadId, initiated, md5, null);
        }
    }
}
