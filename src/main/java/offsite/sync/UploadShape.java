package offsite.sync;

/**
 * How a file of a given size is uploaded, which fixes its S3 ETag: one PUT below the threshold,
 * otherwise a multipart upload in parts of partSize (the last one shorter).
 */
public record UploadShape(long multipartThreshold, long partSize) {

    public static final long MIN_PART = 5L << 20;
    public static final long MAX_PART = 5L << 30;
    public static final int MAX_PARTS = 10_000;

    public UploadShape {
        if (partSize < MIN_PART || partSize > MAX_PART) {
            throw new IllegalArgumentException("offsite.sync.part-size: " + partSize
                    + " bytes is outside S3's limits (expected 5MB to 5GB)");
        }
        if (multipartThreshold > MAX_PART) {
            throw new IllegalArgumentException("offsite.sync.multipart-threshold: " + multipartThreshold
                    + " bytes is above 5GB, the largest single PUT S3 takes: expected at most 5GB");
        }
        if (multipartThreshold < partSize) {
            throw new IllegalArgumentException("offsite.sync.multipart-threshold: " + multipartThreshold
                    + " bytes is below offsite.sync.part-size (" + partSize + "): expected at least the part size");
        }
    }

    public boolean multipart(long size) {
        return size >= multipartThreshold;
    }

    /** The part size actually used for this file: grown when the configured one would need more than 10,000 parts. */
    public long partSizeFor(long size) {
        long needed = (size + MAX_PARTS - 1) / MAX_PARTS;
        if (needed <= partSize) {
            return partSize;
        }
        long mib = 1L << 20;
        return (needed + mib - 1) / mib * mib;
    }

    public int parts(long size) {
        if (!multipart(size)) {
            return 1;
        }
        long part = partSizeFor(size);
        return (int) Math.max(1, (size + part - 1) / part);
    }
}
