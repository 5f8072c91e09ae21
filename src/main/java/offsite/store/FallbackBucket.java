package offsite.store;

import java.io.IOException;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A bucket with what the service lacks made up for, around the one that talks to it. Optional operations that
 * the service refuses (501, 405, 400 InvalidRequest) degrade instead of failing a pass, each named once in a WARN
 * ({@link Fallbacks}): pending multipart uploads and their parts come from the {@link UploadJournal} kept in the
 * data directory, a refused Content-MD5 is dropped (every body is still checked by its ETag after the upload), a
 * refused ranged GET reads the object from its start, a refused abort leaves the upload to the service's own cleanup.
 * A refused copy is recorded and thrown: only the caller knows whether a download and upload may replace it.
 */
public final class FallbackBucket implements Bucket {

    private final Bucket bucket;
    private final UploadJournal journal;
    private final Fallbacks fallbacks;
    private final Clock clock;

    public FallbackBucket(Bucket bucket, UploadJournal journal, Fallbacks fallbacks, Clock clock) {
        this.bucket = bucket;
        this.journal = journal;
        this.fallbacks = fallbacks;
        this.clock = clock;
    }

    public Fallbacks fallbacks() {
        return fallbacks;
    }

    @Override
    public String name() {
        return bucket.name();
    }

    @Override
    public String problem() {
        return bucket.problem();
    }

    @Override
    public boolean exists() {
        return bucket.exists();
    }

    @Override
    public List<RemoteObject> list(String prefix) {
        return bucket.list(prefix);
    }

    @Override
    public Optional<StoredObject> head(String key) {
        return bucket.head(key);
    }

    @Override
    public String put(String key, Body body, String contentMd5, Map<String, String> metadata, Kind kind) {
        if (contentMd5 != null && !fallbacks.lacks("Content-MD5")) {
            try {
                return bucket.put(key, body, contentMd5, metadata, kind);
            } catch (StoreException e) {
                if (!e.unsupported()) {
                    throw e;
                }
                fallbacks.use("Content-MD5", "bodies go without it and each is checked by its ETag after the upload");
            }
        }
        return bucket.put(key, body, null, metadata, kind);
    }

    @Override
    public String createUpload(String key, Map<String, String> metadata) {
        String uploadId = bucket.createUpload(key, metadata);
        journal.begin(key, uploadId, clock.instant(), EtagForm.storedMd5(metadata), metadata.get(MtimeMetadata.NAME));
        return uploadId;
    }

    @Override
    public String uploadPart(String key, String uploadId, int number, Body body, String contentMd5) {
        String etag = null;
        boolean sent = false;
        String checked = null; // the MD5 the service checked the part's bytes against
        if (contentMd5 != null && !fallbacks.lacks("Content-MD5")) {
            try {
                etag = bucket.uploadPart(key, uploadId, number, body, contentMd5);
                sent = true;
                checked = HexFormat.of().formatHex(Base64.getDecoder().decode(contentMd5));
            } catch (StoreException e) {
                if (!e.unsupported()) {
                    throw e;
                }
                fallbacks.use("Content-MD5", "bodies go without it and each is checked by its ETag after the upload");
            }
        }
        if (!sent) {
            etag = bucket.uploadPart(key, uploadId, number, body, null);
        }
        if (etag != null) { // the checked MD5 kept only where the ETag is not it: where ETags are MD5s the journal is as before
            journal.part(key, uploadId, new StoredPart(number, body.length(), etag, etag.equalsIgnoreCase(checked) ? null : checked));
        }
        return etag;
    }

    @Override
    public List<StoredPart> listParts(String key, String uploadId) {
        if (!fallbacks.lacks("ListParts")) {
            try {
                return withJournaledMd5s(bucket.listParts(key, uploadId), journal.parts(key, uploadId).orElse(List.of()));
            } catch (StoreException e) {
                if (!e.unsupported()) {
                    throw e;
                }
                fallbacks.use("ListParts", "the parts of a cut upload are read from the upload journal in the data directory");
            }
        }
        return journal.parts(key, uploadId).orElse(List.of());
    }

    /** The service's parts, each with the MD5 the journal holds for it when the journal has that part with that ETag. */
    private static List<StoredPart> withJournaledMd5s(List<StoredPart> listed, List<StoredPart> journaled) {
        Map<Integer, StoredPart> sent = journaled.stream().collect(Collectors.toMap(StoredPart::number, p -> p, (a, b) -> b));
        return listed.stream().map(p -> {
            StoredPart mine = sent.get(p.number());
            return mine != null && mine.md5() != null && mine.etag().equals(p.etag()) && mine.size() == p.size()
                    ? new StoredPart(p.number(), p.size(), p.etag(), mine.md5()) : p;
        }).toList();
    }

    @Override
    public String completeUpload(String key, String uploadId, List<StoredPart> parts) {
        String etag = bucket.completeUpload(key, uploadId, parts);
        journal.end(key, uploadId);
        if (!etag.contains("-")) {
            fallbacks.use("multipart ETag", "the service gives a multipart object the MD5 of its whole content as ETag, not S3's MD5"
                    + " of the part MD5s: such uploads are confirmed by the whole file's MD5, read once more");
        }
        return etag;
    }

    /**
     * Aborts until the upload is gone: a part still in flight when the abort arrives may be stored after it (S3's
     * documentation says to abort again). Three asks at most; the journal forgets the upload either way.
     */
    @Override
    public void abortUpload(String key, String uploadId) {
        for (int attempt = 1; ; attempt++) {
            if (fallbacks.lacks("AbortMultipartUpload")) {
                break;
            }
            try {
                bucket.abortUpload(key, uploadId);
            } catch (StoreException e) {
                if (!e.unsupported()) {
                    throw e;
                }
                fallbacks.use("AbortMultipartUpload", "an abandoned upload is forgotten by the upload journal and its parts are"
                        + " left to the service's own cleanup");
                break;
            }
            if (attempt >= 3 || fallbacks.lacks("ListMultipartUploads")
                    || pendingUploads(key).stream().noneMatch(p -> p.uploadId().equals(uploadId))) {
                break;
            }
            try {
                Thread.sleep(200L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        journal.end(key, uploadId);
    }

    @Override
    public List<PendingUpload> pendingUploads(String prefix) {
        if (!fallbacks.lacks("ListMultipartUploads")) {
            try {
                List<PendingUpload> listed = bucket.pendingUploads(prefix);
                forgetGone(prefix, listed);
                Map<String, PendingUpload> journaled = new HashMap<>(); // what the service does not list: the metadata it was created with
                journal.pending(prefix).forEach(p -> journaled.put(p.uploadId(), p));
                return listed.stream().map(p -> journaled.containsKey(p.uploadId()) ? new PendingUpload(p.key(), p.uploadId(), p.initiated(),
                        journaled.get(p.uploadId()).md5(), journaled.get(p.uploadId()).mtime()) : p).toList();
            } catch (StoreException e) {
                if (!e.unsupported()) {
                    throw e;
                }
                fallbacks.use("ListMultipartUploads", "pending uploads are read from the upload journal in the data directory,"
                        + " so a cut upload still resumes");
            }
        }
        return journal.pending(prefix);
    }

    /** Journaled uploads the service no longer has (completed or aborted elsewhere) are forgotten. */
    private void forgetGone(String prefix, List<PendingUpload> listed) {
        Set<String> live = listed.stream().map(PendingUpload::uploadId).collect(Collectors.toSet());
        for (PendingUpload p : journal.pending(prefix)) {
            if (!live.contains(p.uploadId())) {
                journal.end(p.key(), p.uploadId());
            }
        }
    }

    @Override
    public Download download(String key, long offset) throws IOException {
        if (offset > 0 && !fallbacks.lacks("ranged GET")) {
            try {
                return bucket.download(key, offset);
            } catch (StoreException e) {
                if (!e.unsupported()) {
                    throw e;
                }
                fallbacks.use("ranged GET", "the object is read from its start and the bytes before the offset skipped");
            }
        }
        Download whole = bucket.download(key, 0);
        try {
            whole.body().skipNBytes(offset);
        } catch (IOException | RuntimeException e) {
            whole.body().close();
            throw e;
        }
        return whole;
    }

    @Override
    public long firstPartSize(String key) {
        return bucket.firstPartSize(key);
    }

    /**
     * A copy the service refuses (501, 405, 400 InvalidRequest: CopyObject, or UploadPartCopy above the copy limit) is
     * named once and thrown: only the caller knows whether a download and upload may replace it. A 404 for a source
     * that is there (s3rver cannot name a key with '+', '#', '?' or '&' in x-amz-copy-source) is thrown as not offered
     * for that key, so callers fall back alike.
     */
    @Override
    public void copy(String fromKey, String toKey, long size) {
        if (fallbacks.lacks("CopyObject")) {
            throw new StoreException("CopyObject", fromKey, 501, "NotImplemented", "the service does not offer copies", null);
        }
        try {
            bucket.copy(fromKey, toKey, size);
        } catch (StoreException e) {
            if (e.unsupported()) {
                fallbacks.use(e.operation(), "objects moved to the trash are downloaded and uploaded again; replaced objects are not kept");
            } else if (e.notFound() && bucket.head(fromKey).isPresent()) {
                fallbacks.use("CopyObject source names", "an object whose key the service cannot name as a copy source is moved to"
                        + " the trash by download and upload; replaced, it is not kept");
                throw new StoreException(e.operation(), fromKey, 501, "NotImplemented", "the service cannot copy from this key (it"
                        + " answers 404 NoSuchKey for it, though the object is there)", e);
            }
            throw e;
        }
    }

    @Override
    public void delete(String key) {
        bucket.delete(key);
    }

    @Override
    public boolean versioned() {
        return bucket.versioned();
    }
}
