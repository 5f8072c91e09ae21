package offsite.sync;

import java.io.BufferedInputStream;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.io.input.BoundedInputStream;
import offsite.store.Bucket;
import offsite.store.Bucket.PendingUpload;
import offsite.store.Bucket.StoredPart;
import offsite.store.S3Errors;
import offsite.store.StoreException;

/**
 * Sends one file: a single PUT below the multipart threshold (with Content-MD5 when it replaces an object), otherwise
 * a multipart upload that resumes one left pending by an earlier run (each stored part checked against the local
 * bytes) and stops between parts when the window is cut, leaving the upload pending and the old object untouched.
 */
public final class ChunkUpload {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChunkUpload.class);

    /** Uploads of at least this size are logged at INFO, smaller ones at DEBUG. */
    static final long LOGGED_SIZE = 1L << 20;

    /** The read-ahead of a body, in bytes. */
    static final int READ_AHEAD = 256 * 1024;

    private final Bucket s3;
    private final UploadShape shape;
    private final HashCache hashes;
    private final BandwidthLimiter limiter;
    private final ExecutorService parts;
    private final int partStreams;
    private final ReplacedCopies replaced;
    private final boolean hashPassFirst;

    /**
     * parts: the pool every file's parts go up on, so one big file can use all connections; partStreams: parts of
     * one file in flight at most (a window that closes then stops the file within its grace plus one part).
     * hashPassFirst: the SDK reads each body once to sign it before sending it (it must over plain http);
     * that local read is neither throttled nor counted as progress.
     */
    public ChunkUpload(Bucket s3, UploadShape shape, HashCache hashes, BandwidthLimiter limiter, ExecutorService parts, int partStreams,
            ReplacedCopies replaced, boolean hashPassFirst) {
        this.s3 = s3;
        this.shape = shape;
        this.hashes = hashes;
        this.limiter = limiter;
        this.parts = parts;
        this.partStreams = partStreams;
        this.replaced = replaced;
        this.hashPassFirst = hashPassFirst;
    }

    /** One upload of a pass, on one of its parallel streams. Never throws: the outcome says how it ended. */
    public UploadOutcome upload(Pass.UploadTask task) {
        Pass pass = task.pass();
        UploadOutcome outcome = upload(new Sending(task.file(), pass.window(), pass.progress(), pass.keepReplaced(), pass));
        String key = PrintableName.of(outcome.key());
        switch (outcome.status()) {
            case FAILED -> LOG.warn("upload of {} failed: {}", key, outcome.message());
            case UPLOADED, RESUMED -> {
                // a line per chunk; small files (catalogs, a set of thousands) are counted in the report, logged at DEBUG
                if (outcome.size() >= LOGGED_SIZE || LOG.isDebugEnabled()) {
                    LOG.atLevel(outcome.size() >= LOGGED_SIZE ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG)
                            .log("uploaded {} ({} bytes sent{})", key, outcome.sent(), outcome.reused() > 0 ? ", " + outcome.reused() + " resumed" : "");
                }
            }
            case VANISHED -> LOG.warn("{}: {}", key, outcome.message());
            default -> LOG.info("{} {}: {}", outcome.status().name().toLowerCase(java.util.Locale.ROOT), key, outcome.message());
        }
        return outcome;
    }

    /** One file being sent: what, within which window, counted where, and whether the object it replaces is kept first. */
    private record Sending(PlannedFile planned, TransferWindow window, RunProgress progress, boolean keepReplaced, Pass pass) {
    }

    UploadOutcome upload(Sending sending) {
        PlannedFile planned = sending.planned();
        TransferWindow window = sending.window();
        RunProgress progress = sending.progress();
        long started = System.currentTimeMillis();
        LocalFile local = planned.local();
        if (!window.acceptsNewUploads()) {
            return new UploadOutcome(planned.key(), UploadOutcome.Status.NOT_STARTED, local.size(), 0, 0, 0, null, window.closedReason());
        }
        if (!java.nio.file.Files.exists(local.path())) {
            return vanished(planned.key(), local, started);
        }
        RunProgress.Stream stream = progress.start(planned.key(), local.size());
        try {
            UploadOutcome outcome = shape.multipart(local.size())
                    ? multipart(sending, stream, started)
                    : single(sending, stream, started);
            if (outcome.status().done() && unchanged(local)) {
                hashes.remember(local, shape, outcome.etag());
            }
            return outcome;
        } catch (Exception e) {
            if (!java.nio.file.Files.exists(local.path())) {
                return vanished(planned.key(), local, started);
            }
            if (!unchanged(local)) { // rewritten while its body went up: a short read, not a store failure
                return changed(planned.key(), local, started);
            }
            if (window.abandoned() != null) {
                return new UploadOutcome(planned.key(), UploadOutcome.Status.CUT, local.size(), 0, 0, System.currentTimeMillis() - started,
                        null, "stopped: " + window.abandoned() + "; the parts already stored resume next run");
            }
            return UploadOutcome.failed(planned.key(), local.size(), System.currentTimeMillis() - started, describe(e));
        } finally {
            progress.finish(stream);
        }
    }

    /** Copies the object about to be replaced to the trash, when there is one and the pass keeps replaced objects. */
    private void keepReplaced(Sending sending) {
        PlannedFile planned = sending.planned();
        if (planned.remote() != null && sending.keepReplaced()) {
            TrashMove kept = replaced.keep(planned.key(), planned.remote().size(), false);
            if (kept != null) {
                sending.pass().kept(kept);
            }
        }
    }

    private static UploadOutcome changed(String key, LocalFile local, long started) {
        return new UploadOutcome(key, UploadOutcome.Status.CHANGED_DURING_UPLOAD, local.size(), 0, 0, System.currentTimeMillis() - started, null,
                "the file changed while it was sent; nothing stored, sent again next run");
    }

    /** The file went away during the run (the backup application removed it): nothing sent, nothing pending. */
    private static UploadOutcome vanished(String key, LocalFile local, long started) {
        return new UploadOutcome(key, UploadOutcome.Status.VANISHED, local.size(), 0, 0, System.currentTimeMillis() - started, null,
                "the file vanished during the run (removed at the source): not uploaded; its remote copy, if any, stays until a pass"
                        + " sees it gone");
    }

    private UploadOutcome single(Sending sending, RunProgress.Stream stream, long started) throws IOException {
        PlannedFile planned = sending.planned();
        RunProgress progress = sending.progress();
        TransferWindow window = sending.window();
        String key = planned.key();
        LocalFile local = planned.local();
        String known = hashes.known(local, shape);
        if (known == null && planned.remote() == null) {
            return singleNew(key, local, window, progress, stream, started);
        }
        String md5Hex = known != null ? known : hashes.etag(local, shape);
        String contentMd5 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5Hex));
        keepReplaced(sending);
        String etag;
        try {
            etag = s3.put(key, body(local.path(), 0, local.size(), null, window, progress, stream), contentMd5, Map.of());
        } catch (StoreException e) {
            // the server found the bytes unlike the cached MD5 of a file that did not change: the cache was wrong
            if (known == null || !"BadDigest".equals(e.code()) || !unchanged(local)) {
                throw e;
            }
            LOG.warn("{}: the server refused the cached MD5 as the body's digest (BadDigest): hashing the file again and sending it"
                    + " once more", key);
            md5Hex = hashes.rehash(local, shape);
            contentMd5 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(md5Hex));
            etag = s3.put(key, body(local.path(), 0, local.size(), null, window, progress, stream), contentMd5, Map.of());
        }
        if (!etag.equalsIgnoreCase(md5Hex)) { // its answer was cut and the object is not (yet) these bytes: once more
            LOG.warn("{}: the PUT's answer did not confirm the bytes (ETag '{}'); sending it again", key, etag);
            etag = s3.put(key, body(local.path(), 0, local.size(), null, window, progress, stream), contentMd5, Map.of());
        }
        if (!etag.equalsIgnoreCase(md5Hex)) {
            return UploadOutcome.failed(key, local.size(), System.currentTimeMillis() - started,
                    "server ETag " + etag + " differs from local MD5 " + md5Hex);
        }
        return new UploadOutcome(key, UploadOutcome.Status.UPLOADED, local.size(), local.size(), 0,
                System.currentTimeMillis() - started, md5Hex, null);
    }

    /**
     * A key with no object yet goes up in one read of its file: hashed while sent, checked against the ETag after.
     * Nothing older can be overwritten, so instead of Content-MD5 refusing a damaged or torn body, the object is
     * deleted again when its ETag differs from the bytes read or the file changed while they were read.
     */
    private UploadOutcome singleNew(String key, LocalFile local, TransferWindow window, RunProgress progress, RunProgress.Stream stream,
            long started) {
        MessageDigest digest = LocalEtag.md5();
        // an answer cut short is settled by the object's own ETag, which tells whether the bytes sent arrived
        String etag = s3.put(key, body(local.path(), 0, local.size(), digest, window, progress, stream), null, Map.of());
        String md5Hex = HexFormat.of().formatHex(digest.digest());
        if (etag.isEmpty()) {
            LOG.warn("{}: the PUT's answer was lost and no object is there; sending it again", key);
            etag = s3.put(key, body(local.path(), 0, local.size(), digest, window, progress, stream), null, Map.of());
            md5Hex = HexFormat.of().formatHex(digest.digest());
        }
        if (!unchanged(local)) {
            s3.delete(key);
            return changed(key, local, started);
        }
        if (!etag.equalsIgnoreCase(md5Hex)) {
            s3.delete(key);
            return UploadOutcome.failed(key, local.size(), System.currentTimeMillis() - started, "server ETag " + etag
                    + " differs from the MD5 of the bytes sent " + md5Hex + "; the object was deleted again, sent again next run");
        }
        return new UploadOutcome(key, UploadOutcome.Status.UPLOADED, local.size(), local.size(), 0,
                System.currentTimeMillis() - started, md5Hex, null);
    }

    private UploadOutcome multipart(Sending sending, RunProgress.Stream stream, long started) throws IOException {
        String key = sending.planned().key();
        LocalFile local = sending.planned().local();
        TransferWindow window = sending.window();
        RunProgress progress = sending.progress();
        long size = local.size();
        long partSize = shape.partSizeFor(size);
        int count = shape.parts(size);
        String uploadId = null;
        Map<Integer, StoredPart> stored = Map.of();
        for (PendingUpload p : s3.pendingUploads(key)) {
            if (!p.key().equals(key)) {
                continue;
            }
            if (uploadId != null) {
                s3.abortUpload(key, uploadId); // keep only the newest pending upload of this key
            }
            uploadId = p.uploadId();
        }
        if (uploadId != null) {
            try {
                stored = s3.listParts(key, uploadId).stream().collect(Collectors.toMap(StoredPart::number, Function.identity(), (a, b) -> b));
            } catch (StoreException unreadable) {
                // listed but its parts cannot be read (aborted meanwhile, or a server's leftover): start afresh
                try {
                    s3.abortUpload(key, uploadId);
                } catch (StoreException ignored) {
                    // the next pass's sweep of stale uploads tries again
                }
                uploadId = null;
            }
        }
        if (uploadId == null) {
            uploadId = s3.createUpload(key, Map.of(Bucket.PART_SIZE_METADATA, String.valueOf(partSize)));
        }
        // at most part-streams workers per file take the parts in order from the shared part pool; each part is either
        // found stored (and checked) or sent. After a failure, or once the window has closed, no further part starts.
        PartResult[] results = new PartResult[count];
        AtomicInteger next = new AtomicInteger(1);
        AtomicBoolean failed = new AtomicBoolean();
        String id = uploadId;
        Map<Integer, StoredPart> have = stored;
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(partStreams, count); w++) {
            workers.add(parts.submit(() -> {
                for (int n = next.getAndIncrement(); n <= count; n = next.getAndIncrement()) {
                    long offset = (n - 1) * partSize;
                    long length = Math.min(partSize, size - offset);
                    if (failed.get()) {
                        results[n - 1] = PartResult.cut();
                        continue;
                    }
                    try {
                        results[n - 1] = part(key, id, n, local.path(), offset, length, have.get(n), window, progress, stream);
                    } catch (IOException | RuntimeException e) {
                        // a part abandoned by a stop is cut, not failed: the stored ones resume next run
                        results[n - 1] = window.abandoned() != null ? PartResult.cut() : PartResult.failed(describe(e));
                    }
                    failed.compareAndSet(false, results[n - 1].failure() != null);
                }
            }));
        }
        for (Future<?> worker : workers) {
            try {
                worker.get();
            } catch (ExecutionException e) {
                failed.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = 0; i < count; i++) {
            if (results[i] == null) {
                results[i] = PartResult.cut();
            }
        }
        long sent = 0;
        long reused = 0;
        int cut = 0;
        String failure = null;
        for (PartResult r : results) {
            sent += r.sent();
            reused += r.reused();
            cut += r.part() == null && r.failure() == null ? 1 : 0;
            failure = failure == null ? r.failure() : failure;
        }
        if ((failure != null || cut == 0) && !java.nio.file.Files.exists(local.path())) {
            s3.abortUpload(key, uploadId); // nothing left to resume from
            return vanished(key, local, started);
        }
        if (failure != null && !unchanged(local)) {
            s3.abortUpload(key, uploadId); // the stored parts hold the old bytes: nothing to resume
            return changed(key, local, started);
        }
        if (failure != null) {
            return UploadOutcome.failed(key, size, System.currentTimeMillis() - started, failure + "; upload left pending, resumes next run");
        }
        if (cut > 0) {
            return new UploadOutcome(key, UploadOutcome.Status.CUT, size, sent, reused, System.currentTimeMillis() - started, null,
                    "cut with " + (count - cut) + " of " + count + " parts stored: " + (window.abandoned() != null ? "stopped, "
                    + window.abandoned() : window.closedReason()) + "; resumes next run");
        }
        if (!unchanged(local)) {
            s3.abortUpload(key, uploadId);
            return new UploadOutcome(key, UploadOutcome.Status.CHANGED_DURING_UPLOAD, size, sent, reused,
                    System.currentTimeMillis() - started, null, "the file changed while it was sent; upload aborted, sent again next run");
        }
        MessageDigest ofParts = LocalEtag.md5();
        List<StoredPart> completed = new ArrayList<>(count);
        for (PartResult r : results) {
            ofParts.update(r.md5());
            completed.add(r.part());
        }
        String expected = LocalEtag.multipartEtag(ofParts.digest(), count);
        keepReplaced(sending);
        String etag = s3.completeUpload(key, uploadId, completed);
        if (!etag.contains("-")) { // a service giving multipart objects their whole content's MD5 (s3rver): compare with the file's
            try (InputStream in = Files.newInputStream(local.path())) {
                expected = LocalEtag.single(in);
            }
        }
        if (!etag.equalsIgnoreCase(expected)) {
            return UploadOutcome.failed(key, size, System.currentTimeMillis() - started,
                    "server ETag " + etag + " differs from the local multipart ETag " + expected);
        }
        return new UploadOutcome(key, reused > 0 ? UploadOutcome.Status.RESUMED : UploadOutcome.Status.UPLOADED, size, sent,
                reused, System.currentTimeMillis() - started, expected, reused > 0 ? "resumed: " + reused + " bytes already stored" : null);
    }

    /** One part's end: stored (sent or found), cut by the window before it started, or failed. */
    private record PartResult(StoredPart part, byte[] md5, long sent, long reused, String failure) {
        static PartResult cut() {
            return new PartResult(null, null, 0, 0, null);
        }

        static PartResult failed(String why) {
            return new PartResult(null, null, 0, 0, why);
        }
    }

    private PartResult part(String key, String uploadId, int number, Path file, long offset, long length, StoredPart have,
            TransferWindow window, RunProgress progress, RunProgress.Stream stream) throws IOException {
        if (!window.mayContinue()) {
            return PartResult.cut();
        }
        if (have != null && have.size() == length) {
            byte[] md5 = md5Of(file, offset, length);
            if (HexFormat.of().formatHex(md5).equalsIgnoreCase(have.etag())) {
                return new PartResult(have, md5, 0, length, null);
            }
        }
        if (!java.nio.file.Files.isReadable(file)) {
            // fail before the request: a body that fails after the headers went out spoils the pooled connection
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "not readable before part " + number);
        }
        long sent = 0;
        for (int attempt = 1; attempt <= 2; attempt++) {
            MessageDigest digest = LocalEtag.md5();
            String etag = s3.uploadPart(key, uploadId, number, body(file, offset, length, digest, window, progress, stream), null);
            byte[] md5 = digest.digest();
            sent += length;
            // no ETag: the answer was cut in its headers, the part is unconfirmed and goes again
            if (etag != null && HexFormat.of().formatHex(md5).equalsIgnoreCase(etag)) {
                return new PartResult(new StoredPart(number, length, etag), md5, sent, 0, null);
            }
        }
        return new PartResult(null, null, sent, 0, "part " + number + " was not confirmed twice (server ETag missing or differs from local MD5)");
    }

    /** A body the SDK can re-open on retry: each stream reads the range afresh and restarts the digest. */
    private Bucket.Body body(Path file, long offset, long length, MessageDigest digest, TransferWindow window, RunProgress progress,
            RunProgress.Stream stream) {
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        return new Bucket.Body(length, () -> {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            // the HTTP client reads 4 KiB at a time: a read-ahead buffer makes that one file read per 256 KiB
            InputStream range = BoundedInputStream.builder().setInputStream(new BufferedInputStream(Channels.newInputStream(channel),
                    (int) Math.max(8192, Math.min(READ_AHEAD, length))))
                    .setMaxCount(length).get();
            if (hashPassFirst && opened.incrementAndGet() % 2 == 1) {
                return range; // the signing pass of an attempt: local only
            }
            if (digest != null) {
                digest.reset();
            }
            return new MeteredInputStream(range, limiter, digest, n -> progress.add(stream, n), window::abandoned);
        });
    }

    private static byte[] md5Of(Path file, long offset, long length) throws IOException {
        MessageDigest md5 = LocalEtag.md5();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (LocalEtag.digest(channel, offset, length, md5, java.nio.ByteBuffer.allocateDirect(LocalEtag.FILE_BUFFER)) < length) {
                throw new IOException(file + " is shorter than expected");
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
        String cutOff = S3Errors.cutOffAnswer(e);
        if (cutOff != null) {
            return cutOff;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
