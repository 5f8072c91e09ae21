package offsite.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * The bucket over the one S3 client: the only class that calls it. Listings walk folder by folder (prefix and
 * delimiter, as rclone does), each folder to the end of its pages; answers that lost their ETag are settled with a
 * HEAD of the object. Every SDK failure leaves as a {@link StoreException}.
 */
public final class S3Bucket implements Bucket {

    /** S3's largest single copy; larger objects are copied part by part (UploadPartCopy). */
    static final long MAX_COPY = 5L << 30;
    static final long COPY_PART = 512L << 20;

    /** The fallback of a service whose listings name a key more than once. */
    static final String REPEATED_KEYS = "listings without repeated keys";

    /** Folders listed side by side, as rclone's checkers do: a set of a hundred folders lists in the time of a dozen. */
    static final int LISTERS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(S3Bucket.class);

    private final S3Client s3;
    private final ExecutorService listers = DaemonPool.of(LISTERS, "s3-list");
    private final S3Settings settings;
    private final Fallbacks fallbacks;
    private final long copyLimit;

    public S3Bucket(S3Client s3, S3Settings settings, Fallbacks fallbacks) {
        this(s3, settings, fallbacks, MAX_COPY);
    }

    /**
     * copyLimit: the largest object copied in one CopyObject (S3's is 5 GiB); larger ones are copied part by part, in
     * parts of at most this size (S3 takes 5 MiB to 5 GiB).
     */
    public S3Bucket(S3Client s3, S3Settings settings, Fallbacks fallbacks, long copyLimit) {
        if (copyLimit < 5L << 20 || copyLimit > MAX_COPY) {
            throw new IllegalArgumentException("copy limit " + copyLimit + " bytes is outside S3's part sizes (expected 5 MiB to 5 GiB)");
        }
        this.s3 = s3;
        this.settings = settings;
        this.fallbacks = fallbacks;
        this.copyLimit = copyLimit;
    }

    @Override
    public String name() {
        return settings.bucket();
    }

    @Override
    public String problem() {
        try {
            s3.headBucket(b -> b.bucket(name()));
            return null;
        } catch (NoSuchBucketException e) {
            return create();
        } catch (S3Exception e) {
            return e.statusCode() == 404 ? create() : S3Errors.explain(e, settings);
        } catch (RuntimeException e) {
            return S3Errors.explain(e, settings);
        }
    }

    @Override
    public boolean exists() {
        try {
            call("HeadBucket", "", () -> s3.headBucket(b -> b.bucket(name())));
            return true;
        } catch (StoreException e) {
            if (e.notFound()) {
                return false;
            }
            throw e;
        }
    }

    private String create() {
        if (!settings.createBucket()) {
            return "offsite.s3.bucket: bucket '" + name() + "' does not exist (create it, or set offsite.s3.create-bucket=true)";
        }
        try {
            s3.createBucket(b -> b.bucket(name()));
            return null;
        } catch (BucketAlreadyOwnedByYouException e) {
            return null; // another check of ours created it meanwhile (run's first pass and the health check race)
        } catch (RuntimeException e) {
            return "cannot create bucket '" + name() + "': " + S3Errors.explain(e, settings);
        }
    }

    @Override
    public List<RemoteObject> list(String prefix) {
        List<RemoteObject> out = Collections.synchronizedList(new ArrayList<>());
        String delimiter = settings.listRecursive() ? null : "/";
        CompletionService<List<String>> folders = new ExecutorCompletionService<>(listers);
        List<Future<List<String>>> started = new ArrayList<>();
        Set<String> listed = new HashSet<>(Set.of(prefix));
        int repeatedFolders = 0;
        started.add(folders.submit(() -> listFolder(prefix, delimiter, out)));
        try {
            for (int pending = 1; pending > 0; pending--) {
                for (String sub : folders.take().get()) {
                    if (!listed.add(sub)) { // a folder named twice (a page sent again) is listed once
                        repeatedFolders++;
                        continue;
                    }
                    started.add(folders.submit(() -> listFolder(sub, delimiter, out)));
                    pending++;
                }
            }
        } catch (ExecutionException e) {
            started.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof RuntimeException r ? r : new StoreException("ListObjectsV2", prefix, 0, "", String.valueOf(e.getCause()), e);
        } catch (InterruptedException e) {
            started.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new StoreException("ListObjectsV2", prefix, 0, "", "interrupted", e);
        }
        return onceEach(prefix, out, repeatedFolders);
    }

    /**
     * Each key once, as first listed, in key order: a server that sends a page twice must not count an object twice
     * (the deletion and change limits divide by the bytes listed; a restore would fetch it twice). Warned of per listing.
     */
    private List<RemoteObject> onceEach(String prefix, List<RemoteObject> listed, int repeatedFolders) {
        Map<String, RemoteObject> byKey = new HashMap<>();
        for (RemoteObject o : listed) {
            byKey.putIfAbsent(o.key(), o);
        }
        int repeatedKeys = listed.size() - byKey.size();
        if (repeatedKeys + repeatedFolders > 0) {
            LOG.warn("the listing of s3://{}/{} named {} key(s) and {} folder(s) more than once (a page sent twice?): each kept once,"
                    + " as first listed", name(), prefix, repeatedKeys, repeatedFolders);
            fallbacks.use(REPEATED_KEYS, "a key listed more than once is kept once, as first listed");
        }
        List<RemoteObject> out = new ArrayList<>(byKey.values());
        out.sort(Comparator.comparing(RemoteObject::key));
        return out;
    }

    /** One folder's objects, every page of it, into out; returns the folders in it (none for a recursive listing). */
    private List<String> listFolder(String folder, String delimiter, List<RemoteObject> out) {
        List<String> subfolders = new ArrayList<>();
        String token = null;
        do {
            String after = token;
            ListObjectsV2Response page = call("ListObjectsV2", folder,
                    () -> s3.listObjectsV2(b -> b.bucket(name()).prefix(folder).delimiter(delimiter).continuationToken(after)));
            List<RemoteObject> objects = new ArrayList<>(page.contents().size());
            for (S3Object o : page.contents()) {
                if (!o.key().endsWith("/")) { // "folder/" markers (consoles, filesystem stores) are not files
                    objects.add(new RemoteObject(o.key(), o.size(), o.eTag(), o.lastModified()));
                }
            }
            out.addAll(objects);
            for (CommonPrefix p : page.commonPrefixes()) {
                subfolders.add(p.prefix());
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            if (Boolean.TRUE.equals(page.isTruncated()) && (token == null || token.isEmpty() || token.equals(after))) {
                throw new StoreException("ListObjectsV2", folder, 200, "", "a page marked truncated came without a new continuation"
                        + " token: the listing cannot be followed to its end", null);
            }
        } while (token != null);
        return subfolders;
    }

    @Override
    public Optional<StoredObject> head(String key) {
        try {
            HeadObjectResponse h = call("HeadObject", key, () -> s3.headObject(b -> b.bucket(name()).key(key)));
            return Optional.of(new StoredObject(key, h.contentLength(), h.eTag(), h.lastModified(), h.metadata()));
        } catch (StoreException e) {
            if (e.notFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public String put(String key, Body body, String contentMd5, Map<String, String> metadata, Kind kind) {
        ObjectOptions options = options(kind);
        String etag = call("PutObject", key, options, () -> s3.putObject(b -> b.bucket(name()).key(key).contentType("application/octet-stream")
                .contentLength(body.length()).contentMD5(contentMd5).metadata(metadata).storageClass(options.storageClass())
                .serverSideEncryption(algorithm()).ssekmsKeyId(kmsKeyId()), requestBody(body, key)).eTag());
        if (etag == null || unquoted(etag).isBlank()) {
            fallbacks.use("PutObject ETag", "the stored object's ETag is read with a HEAD");
            return storedEtag(key);
        }
        return unquoted(etag);
    }

    /** The ETag of the object at key now, empty when there is none: for an answer that lost its own. */
    private String storedEtag(String key) {
        return head(key).map(StoredObject::etag).orElse("");
    }

    @Override
    public String createUpload(String key, Map<String, String> metadata) {
        return call("CreateMultipartUpload", key, options(Kind.DATA), () -> s3.createMultipartUpload(b -> b.bucket(name()).key(key)
                .contentType("application/octet-stream").metadata(metadata).storageClass(dataClass())
                .serverSideEncryption(algorithm()).ssekmsKeyId(kmsKeyId())).uploadId());
    }

    @Override
    public String uploadPart(String key, String uploadId, int number, Body body, String contentMd5) {
        String etag = call("UploadPart", key, () -> s3.uploadPart(b -> b.bucket(name()).key(key).uploadId(uploadId).partNumber(number)
                .contentLength(body.length()).contentMD5(contentMd5), requestBody(body, key)).eTag());
        return etag == null || etag.isBlank() ? null : unquoted(etag);
    }

    @Override
    public List<StoredPart> listParts(String key, String uploadId) {
        List<StoredPart> out = new ArrayList<>();
        Integer marker = null;
        while (true) {
            Integer after = marker;
            ListPartsResponse page = call("ListParts", key, () -> s3.listParts(b -> b.bucket(name()).key(key).uploadId(uploadId)
                    .partNumberMarker(after)));
            for (Part p : page.parts()) {
                out.add(new StoredPart(p.partNumber(), p.size(), unquoted(p.eTag())));
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return out;
            }
            marker = page.nextPartNumberMarker();
            if (marker == null || after != null && marker <= after) {
                throw new StoreException("ListParts", key, 200, "", "a page marked truncated came without a later part number marker:"
                        + " the parts cannot be listed to their end", null);
            }
        }
    }

    @Override
    public String completeUpload(String key, String uploadId, List<StoredPart> parts) {
        List<CompletedPart> completed = parts.stream()
                .sorted(Comparator.comparingInt(StoredPart::number))
                .map(p -> CompletedPart.builder().partNumber(p.number()).eTag(p.etag()).build())
                .toList();
        String etag;
        try {
            etag = call("CompleteMultipartUpload", key, () -> s3.completeMultipartUpload(b -> b.bucket(name()).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build())).eTag());
            if (etag == null || unquoted(etag).isBlank()) {
                // Ceph RGW 16.2 answers <ETag></ETag>: the object is stored, its ETag is asked for
                fallbacks.use("CompleteMultipartUpload ETag", "the completed object's ETag is read with a HEAD");
            }
        } catch (StoreException e) {
            // a retry of a completion whose answer was lost: the upload is gone (NoSuchUpload; S3Proxy says InvalidPart), the
            // object may be there; the caller checks the ETag returned against its own, so an older object never passes
            boolean completedBefore = e.notFound() || "InvalidPart".equals(e.code());
            if (!completedBefore) {
                throw e;
            }
            etag = storedEtag(key);
            if (etag.isEmpty() && !e.notFound()) {
                throw e; // no object: the parts named were wrong, as the service said
            }
        }
        if (etag == null || unquoted(etag).isBlank()) {
            etag = storedEtag(key);
            if (etag.isEmpty()) {
                throw new StoreException("CompleteMultipartUpload", key, 0, "", "the answer to the completion was lost, and its upload"
                        + " is gone with no object in its place: the next run finds it complete or sends it again", null);
            }
        }
        return unquoted(etag);
    }

    @Override
    public void abortUpload(String key, String uploadId) {
        try {
            call("AbortMultipartUpload", key, () -> s3.abortMultipartUpload(b -> b.bucket(name()).key(key).uploadId(uploadId)));
        } catch (StoreException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    @Override
    public List<PendingUpload> pendingUploads(String prefix) {
        List<PendingUpload> out = new ArrayList<>();
        String keyMarker = null;
        String idMarker = null;
        while (true) {
            String km = keyMarker;
            String im = idMarker;
            ListMultipartUploadsResponse page = call("ListMultipartUploads", prefix, () -> s3.listMultipartUploads(b -> b.bucket(name())
                    .prefix(prefix).keyMarker(km).uploadIdMarker(im)));
            for (MultipartUpload u : page.uploads()) {
                out.add(new PendingUpload(u.key(), u.uploadId(), u.initiated()));
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            idMarker = page.nextUploadIdMarker();
            if (keyMarker == null && idMarker == null || Objects.equals(keyMarker, km) && Objects.equals(idMarker, im)) {
                throw new StoreException("ListMultipartUploads", prefix, 200, "", "a page marked truncated came without new markers:"
                        + " the pending uploads cannot be listed to their end", null);
            }
        }
        out.sort(Comparator.comparing(PendingUpload::initiated, Comparator.nullsFirst(Comparator.naturalOrder())));
        return out;
    }

    @Override
    public Download download(String key, long offset) throws IOException {
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = call("GetObject", key, () -> s3.getObject(b -> {
                b.bucket(name()).key(key);
                if (offset > 0) {
                    b.range("bytes=" + offset + "-");
                }
            }));
        } catch (StoreException e) {
            // S3 refuses a range starting at the end (416): an object read to its end has nothing more
            Optional<StoredObject> stored = e.status() == 416 ? head(key) : Optional.empty();
            if (stored.isPresent() && stored.get().size() == offset) {
                return new Download(InputStream.nullInputStream(), stored.get().metadata(), stored.get().lastModified());
            }
            throw e;
        }
        Long length = in.response().contentLength();
        if (offset > 0 && in.response().contentRange() == null) {
            // the whole object came back (a service without ranged GETs): skip to the offset here
            fallbacks.use("ranged GET", "the object is read from its start and the bytes before the offset skipped");
            in.skipNBytes(offset);
            length = length == null ? null : length - offset;
        }
        return new Download(new NamedBody(in, key, offset, length), in.response().metadata(), in.response().lastModified());
    }

    /**
     * An object's body whose read failures name the object and how far it came (the HTTP client's say neither), and
     * whose end before its announced length is a failure, not a quiet end of stream.
     */
    private static final class NamedBody extends FilterInputStream {
        private final String key;
        private final long offset;
        private final Long length;
        private long read;

        NamedBody(InputStream in, String key, long offset, Long length) {
            super(in);
            this.key = key;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            read += skipped;
            return skipped;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw cut(e.getMessage(), e);
            }
            if (n < 0 && length != null && read < length) {
                throw cut("the answer ended early", null);
            }
            read += Math.max(0, n);
            return n;
        }

        private IOException cut(String why, IOException cause) {
            return new IOException("the download of " + key + " was cut short after " + (offset + read)
                    + (length == null ? "" : " of " + (offset + length)) + " bytes (" + why + ")", cause);
        }
    }

    @Override
    public long firstPartSize(String key) {
        HeadObjectResponse h = call("HeadObject", key, () -> s3.headObject(b -> b.bucket(name()).key(key).partNumber(1)));
        if (h.partsCount() != null) {
            return h.contentLength();
        }
        // the service ignored partNumber (S3Proxy, s3rver, Ceph RGW 16.2): the answer is the whole object's
        fallbacks.use("HeadObject partNumber", "a multipart object's part size is read from the " + PART_SIZE_METADATA
                + " metadata stored at its upload");
        String stored = h.metadata().get(PART_SIZE_METADATA);
        if (stored == null || !stored.matches("[0-9]{1,15}")) {
            throw new StoreException("HeadObject", key, 0, "", "the service does not tell a multipart object's part size, and the"
                    + " object has no " + PART_SIZE_METADATA + " metadata (uploaded by another tool or an older Offsite)", null);
        }
        return Long.parseLong(stored);
    }

    @Override
    public void copy(String fromKey, String toKey, long size) {
        if (size <= copyLimit) {
            call("CopyObject", fromKey, options(Kind.DATA), () -> s3.copyObject(b -> b.sourceBucket(name()).sourceKey(fromKey)
                    .destinationBucket(name()).destinationKey(toKey).storageClass(dataClass())
                    .serverSideEncryption(algorithm()).ssekmsKeyId(kmsKeyId())));
            confirmCopy(fromKey, toKey, size);
            return;
        }
        Map<String, String> metadata = head(fromKey).map(StoredObject::metadata).orElse(Map.of());
        String uploadId = createUpload(toKey, metadata);
        try {
            List<StoredPart> parts = new ArrayList<>();
            int number = 1;
            long partSize = Math.min(COPY_PART, copyLimit);
            for (long first = 0; first < size; first += partSize, number++) {
                long last = Math.min(size, first + partSize) - 1;
                int n = number;
                String range = "bytes=" + first + "-" + last;
                UploadPartCopyResponse part = call("UploadPartCopy", fromKey, () -> s3.uploadPartCopy(b -> b.sourceBucket(name())
                        .sourceKey(fromKey).destinationBucket(name()).destinationKey(toKey).uploadId(uploadId).partNumber(n)
                        .copySourceRange(range)));
                parts.add(new StoredPart(n, last - first + 1, unquoted(part.copyPartResult().eTag())));
            }
            completeUpload(toKey, uploadId, parts);
            confirmCopy(fromKey, toKey, size);
        } catch (RuntimeException e) {
            try {
                abortUpload(toKey, uploadId);
            } catch (RuntimeException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
    }

    /** A copy counts once its destination is there with the source's size: a move to the trash deletes the source next. */
    private void confirmCopy(String fromKey, String toKey, long size) {
        long stored = head(toKey).map(StoredObject::size).orElse(-1L);
        if (stored != size) {
            throw new StoreException("CopyObject", fromKey, 0, "", "the service answered the copy to " + toKey + " but "
                    + (stored < 0 ? "no object is there" : "the object there has " + stored + " bytes, not " + size), null);
        }
    }

    @Override
    public void delete(String key) {
        try {
            call("DeleteObject", key, () -> s3.deleteObject(b -> b.bucket(name()).key(key)));
        } catch (StoreException e) {
            if (!e.notFound()) {
                throw e;
            }
        }
    }

    @Override
    public boolean versioned() {
        try {
            return "Enabled".equals(call("GetBucketVersioning", "", () -> s3.getBucketVersioning(b -> b.bucket(name())).statusAsString()));
        } catch (StoreException e) {
            if (e.unsupported()) {
                fallbacks.use("GetBucketVersioning", "the bucket is taken as unversioned: a replaced object is not kept as an older version");
                return false;
            }
            throw e;
        }
    }

    /** The x-amz-storage-class of data objects; null sends none (the service's default class). */
    private String dataClass() {
        return settings.storageClass() == null ? null : settings.storageClass().name();
    }

    /** The x-amz-server-side-encryption of every object written; null sends none (the bucket's default encryption). */
    private String algorithm() {
        return settings.encryption() == null ? null : settings.encryption().algorithm();
    }

    /** The KMS key of aws:kms; null sends none (the bucket's key, or the account's aws/s3). */
    private String kmsKeyId() {
        return settings.encryption() == null ? null : settings.encryption().kmsKeyId();
    }

    /** What a request writing an object of this kind carries because a setting asks for it. */
    private ObjectOptions options(Kind kind) {
        return new ObjectOptions(kind == Kind.DATA ? dataClass() : null, settings.encryption());
    }

    private static RequestBody requestBody(Body body, String key) {
        return RequestBody.fromContentProvider(() -> {
            try {
                return body.source().open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the body of " + key + ": " + e.getMessage(), e);
            }
        }, body.length(), "application/octet-stream");
    }

    private static String unquoted(String etag) {
        return etag == null ? "" : etag.replace("\"", "").replace("&quot;", "");
    }

    /**
     * Runs one SDK call; what it throws leaves as a StoreException naming the operation and key. An answer whose
     * connection broke while the SDK parsed it escapes the SDK's retries unchecked: it is sent again here, up to
     * offsite.s3.max-attempts in all.
     */
    private <T> T call(String operation, String key, Supplier<T> request) {
        return call(operation, key, ObjectOptions.NONE, request);
    }

    /**
     * The same for a request writing an object with these options: a refusal of one, in whatever words, names its setting
     * (StoreException.refusedSetting), so no fallback takes it for an operation the service lacks.
     */
    private <T> T call(String operation, String key, ObjectOptions sent, Supplier<T> request) {
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (S3Exception e) {
                String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
                ObjectOptions.Refusal refused = sent.refusal(e);
                if (refused != null) {
                    throw new StoreException(operation, key, e.statusCode(), code, refused.reason(), e, refused.setting());
                }
                throw new StoreException(operation, key, e.statusCode(), code, S3Errors.explain(e, settings), e);
            } catch (SdkException e) {
                throw new StoreException(operation, key, 0, "", S3Errors.explain(e, settings), e);
            } catch (UncheckedIOException e) {
                if (attempt >= settings.maxAttempts()) {
                    throw new StoreException(operation, key, 0, "", S3Errors.explain(e, settings), e);
                }
            }
        }
    }
}
