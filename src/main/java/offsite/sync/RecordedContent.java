package offsite.sync;

import java.io.IOException;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.RemoteObject;
import offsite.store.StoreException;

/**
 * The planner's evidence beyond the local ETag, from where it is recorded: the ETag each upload was given and the
 * files' MD5s in the hash cache, an object's md5chksum in its metadata (one HEAD, asked only for a same-size object
 * whose ETag did not settle it, never under offsite.s3.etag=md5), whether the service's ETags are MD5s, and an
 * object's part size (for one uploaded under another offsite.sync.part-size).
 */
final class RecordedContent implements SyncPlanner.ContentEvidence {

    private final HashCache hashes;
    private final UploadShape shape;
    private final Bucket bucket;
    private final EtagForm etags;

    RecordedContent(HashCache hashes, UploadShape shape, Bucket bucket, EtagForm etags) {
        this.hashes = hashes;
        this.shape = shape;
        this.bucket = bucket;
        this.etags = etags;
    }

    @Override
    public String uploadedAs(LocalFile file) {
        String given = hashes.uploadedAs(file, shape);
        // the cache keeps an upload's ETag only where it is not the local one: where ETags are not MD5s, an object listed
        // under the file's cached local ETag holds its bytes all the same (no opaque ETag is the MD5 of other bytes)
        return given != null || !etags.opaque() ? given : hashes.known(file, shape);
    }

    @Override
    public String md5(LocalFile file) throws IOException {
        return hashes.md5(file, shape);
    }

    @Override
    public String storedMd5(RemoteObject object) {
        return etags.readsMd5chksum() ? bucket.head(object.key()).map(EtagForm::storedMd5).orElse(null) : null;
    }

    @Override
    public boolean opaque() {
        return etags.opaque();
    }

    /** One HEAD for an object sent in parts (its part size), and one read of the file. */
    @Override
    public String etagAsUploaded(LocalFile file, RemoteObject object) throws IOException {
        if (object.partCount() == 0) {
            return shape.multipart(file.size()) ? hashes.md5(file, shape) : null;
        }
        long partSize;
        try {
            partSize = bucket.firstPartSize(object.key());
        } catch (StoreException unknown) {
            return null; // uploaded by another tool, on a service that does not tell: its ETag stays the evidence
        }
        return shape.multipart(file.size()) && partSize == shape.partSizeFor(file.size()) ? null : LocalEtag.multipart(file.path(), partSize);
    }
}
