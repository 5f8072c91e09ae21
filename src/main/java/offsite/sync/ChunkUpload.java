package offsite.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.io.input.BoundedInputStream;
import offsite.store.S3Uploads;
import offsite.store.S3Uploads.StoredPart;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * Sends one file: a single PUT with Content-MD5 below the multipart threshold, otherwise a multipart upload that
 * resumes one left pending by an earlier run (each stored part checked against the local bytes) and stops
 * between parts when the window is cut, leaving the upload pending and the old object untouched.
 */
public final class ChunkUpload {

    private final S3Uploads s3;
    private final UploadShape shape;
    private final HashCache hashes;
    private final BandwidthLimiter limiter;

    public ChunkUpload(S3Uploads s3, UploadShape shape, HashCache hashes, BandwidthLimiter limiter) {
        this.s3 = s3;
        this.shape = shape;
        this.hashes = hashes;
        this.limiter = limiter;
    }

    public UploadOutcome upload(PlannedFile planned, TransferWindow window, RunProgress progress) {
        long started = System.currentTimeMillis();
        LocalFile local = planned.local();
        if (!window.acceptsNewUploads()) {
            return new UploadOutcome(planned.key(), UploadOutcome.Status.NOT_STARTED, local.size(), 0, 0, 0, null, window.closedReason());
        }
        RunProgress.Stream stream = progress.start(planned.key(), local.size());
        try {
            UploadOutcome outcome = shape.multipart(local.size())
                    ? multipart(planned.key(), local, window, progress, stream, started)
                    : single(planned.key(), local, progress, stream, started);
            if (outcome.status().done() && unchanged(local)) {
                hashes.remember(local, shape, outcome.etag());
            }
            return outcome;
        } catch (Exception e) {
            return UploadOutcome.failed(planned.key(), local.size(), System.currentTimeMillis() - started, describe(e));
        } finally {
            progress.finish(stream);
        }
    }

    private UploadOutcome single(String key, LocalFile local, RunProgress progress, RunProgress.Stream stream, long started)
            throws IOException {
        String md5Hex = hashes.etag(local, shape);
        String contentMd5 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5Hex));
        String etag = s3.put(key, body(local.path(), 0, local.size(), null, progress, stream), contentMd5);
        if (!etag.equalsIgnoreCase(md5Hex)) {
            return UploadOutcome.failed(key, local.size(), System.currentTimeMillis() - started,
                    "server ETag " + etag + " differs from local MD5 " + md5Hex);
        }
        return new UploadOutcome(key, UploadOutcome.Status.UPLOADED, local.size(), local.size(), 0,
                System.currentTimeMillis() - started, md5Hex, null);
    }

    private UploadOutcome multipart(String key, LocalFile local, TransferWindow window, RunProgress progress,
            RunProgress.Stream stream, long started) throws IOException {
        long size = local.size();
        long partSize = shape.partSizeFor(size);
        int count = shape.parts(size);
        String uploadId = null;
        Map<Integer, StoredPart> stored = Map.of();
        for (S3Uploads.Pending p : s3.pending(key)) {
            if (!p.key().equals(key)) {
                continue;
            }
            if (uploadId != null) {
                s3.abort(key, uploadId); // keep only the newest pending upload of this key
            }
            uploadId = p.uploadId();
        }
        if (uploadId != null) {
            stored = s3.parts(key, uploadId).stream().collect(Collectors.toMap(StoredPart::number, Function.identity()));
        } else {
            uploadId = s3.begin(key);
        }
        List<StoredPart> parts = new ArrayList<>(count);
        MessageDigest ofParts = LocalEtag.md5();
        long sent = 0;
        long reused = 0;
        for (int number = 1; number <= count; number++) {
            long offset = (number - 1) * partSize;
            long length = Math.min(partSize, size - offset);
            if (!window.mayContinue()) {
                return new UploadOutcome(key, UploadOutcome.Status.CUT, size, sent, reused, System.currentTimeMillis() - started, null,
                        "cut after " + parts.size() + " of " + count + " parts: " + window.closedReason() + "; resumes next run");
            }
            StoredPart have = stored.get(number);
            if (have != null && have.size() == length) {
                byte[] md5 = md5Of(local.path(), offset, length);
                if (HexFormat.of().formatHex(md5).equalsIgnoreCase(have.etag())) {
                    parts.add(have);
                    ofParts.update(md5);
                    reused += length;
                    progress.add(stream, 0);
                    continue;
                }
            }
            StoredPart part = null;
            for (int attempt = 1; attempt <= 2 && part == null; attempt++) {
                MessageDigest digest = LocalEtag.md5();
                final int n = number;
                String etag = s3.sendPart(key, uploadId, n, body(local.path(), offset, length, digest, progress, stream), null);
                byte[] md5 = digest.digest();
                if (HexFormat.of().formatHex(md5).equalsIgnoreCase(etag)) {
                    part = new StoredPart(number, length, etag);
                    ofParts.update(md5);
                }
                sent += length;
            }
            if (part == null) {
                return UploadOutcome.failed(key, size, System.currentTimeMillis() - started,
                        "part " + number + " arrived damaged twice (server ETag differs from local MD5); upload left pending");
            }
            parts.add(part);
        }
        if (!unchanged(local)) {
            s3.abort(key, uploadId);
            return new UploadOutcome(key, UploadOutcome.Status.CHANGED_DURING_UPLOAD, size, sent, reused,
                    System.currentTimeMillis() - started, null, "the file changed while it was sent; upload aborted, sent again next run");
        }
        String expected = LocalEtag.multipartEtag(ofParts.digest(), count);
        String etag = s3.complete(key, uploadId, parts);
        if (!etag.equalsIgnoreCase(expected)) {
            return UploadOutcome.failed(key, size, System.currentTimeMillis() - started,
                    "server ETag " + etag + " differs from the local multipart ETag " + expected);
        }
        return new UploadOutcome(key, reused > 0 ? UploadOutcome.Status.RESUMED : UploadOutcome.Status.UPLOADED, size, sent,
                reused, System.currentTimeMillis() - started, expected, reused > 0 ? "resumed: " + reused + " bytes already stored" : null);
    }

    /** A body the SDK can re-open on retry: each stream reads the range afresh and restarts the digest. */
    private RequestBody body(Path file, long offset, long length, MessageDigest digest, RunProgress progress,
            RunProgress.Stream stream) {
        ContentStreamProvider provider = () -> {
            try {
                if (digest != null) {
                    digest.reset();
                }
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                InputStream range = BoundedInputStream.builder().setInputStream(Channels.newInputStream(channel)).setMaxCount(length).get();
                return new MeteredInputStream(range, limiter, digest, n -> progress.add(stream, n));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        };
        return RequestBody.fromContentProvider(provider, length, "application/octet-stream");
    }

    private static byte[] md5Of(Path file, long offset, long length) throws IOException {
        MessageDigest md5 = LocalEtag.md5();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(1 << 20);
            long left = length;
            long position = offset;
            while (left > 0) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException(file + " is shorter than expected");
                }
                md5.update(buffer.array(), 0, n);
                position += n;
                left -= n;
            }
        }
        return md5.digest();
    }

    private static boolean unchanged(LocalFile local) {
        try {
            BasicFileAttributes now = Files.readAttributes(local.path(), BasicFileAttributes.class);
            // millisecond precision: what the scan reports
            return now.size() == local.size() && now.lastModifiedTime().toMillis() == local.modified().toEpochMilli();
        } catch (IOException e) {
            return false;
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
