package offsite.sync;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import offsite.store.Bucket.PendingUpload;
import offsite.store.Bucket.StoredObject;
import offsite.store.Bucket.StoredPart;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.MtimeMetadata;
import offsite.store.S3Errors;
import offsite.store.StoreException;
import org.apache.commons.io.input.BoundedInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Sends one file: a single PUT below the multipart threshold (with Content-MD5 when it replaces an object), otherwise
 * a multipart upload that resumes one left pending by an earlier run (each stored part checked against the local
 * bytes) and stops between parts when the window is cut, leaving the upload pending and the old object untouched.
 */
public final class ChunkUpload {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkUpload.class);

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
    private final EtagForm etags;

    /**
     * parts: the pool every file's parts go up on, so one big file can use all connections; partStreams: parts of
     * one file in flight at most (a window that closes then stops the file within its grace plus one part).
     * hashPassFirst: the SDK reads each body once to sign it before sending it (it must over plain http);
     * that local read is neither throttled nor counted as progress. etags: whether uploads are confirmed by their ETags or, where
     * those are not MD5s, by the md5chksum metadata they carry.
     */
    public ChunkUpload(Bucket s3, UploadShape shape, HashCache hashes, BandwidthLimiter limiter, ExecutorService parts, int partStreams,
            ReplacedCopies replaced, boolean hashPassFirst, EtagForm etags) {
        this.s3 = s3;
        this.shape = shape;
        this.hashes = hashes;
        this.limiter = limiter;
        this.parts = parts;
        this.partStreams = partStreams;
        this.replaced = replaced;
        this.hashPassFirst = hashPassFirst;
        this.etags = etags;
    }

    /** One upload of a pass, on one of its parallel streams. Never throws: the outcome says how it ended. */
    public UploadOutcome upload(Pass.UploadTask task) {
        Pass pass = task.pass();
        UploadOutcome outcome = send(new Sending(task.file(), pass.window(), pass.progress(), pass.keepReplaced(), pass));
        String key = PrintableName.of(outcome.key());
        switch (outcome.status()) {
            case FAILED -> LOG.warn("upload of {} failed: {}", key, outcome.message());
            case UPLOADED, RESUMED -> {
                // a line per chunk; small files (catalogs, a set of thousands) are counted in the report, logged at DEBUG
                if (outcome.size() >= LOGGED_SIZE || LOG.isDebugEnabled()) {
                    LOG.atLevel(outcome.size() >= LOGGED_SIZE ? Level.INFO : Level.DEBUG)
                            .log("uploaded {} ({} bytes sent{})", key, outcome.sent(), outcome.reused() > 0 ? ", " + outcome.reused() + " resumed" : "");
                }
            }
            case VANISHED -> LOG.warn("{}: {}", key, outcome.message());
            default -> LOG.info("{} {}: {}", outcome.status().name().toLowerCase(Locale.ROOT), key, outcome.message());
        }
        return outcome;
    }

    /** One file being sent: what, within which window, counted where, and whether the object it replaces is kept first. */
    private record Sending(PlannedFile planned, TransferWindow window, RunProgress progress, boolean keepReplaced, Pass pass) {
    }

    private UploadOutcome send(Sending sending) {
        PlannedFile planned = sending.planned();
        TransferWindow window = sending.window();
        RunProgress progress = sending.progress();
        long started = System.currentTimeMillis();
        LocalFile local = planned.local();
        if (!window.acceptsNewUploads()) {
            return new UploadOutcome(planned.key(), UploadOutcome.Status.NOT_STARTED, local.size(), 0, 0, 0, null, window.closedReason());
        }
        if (!Files.exists(local.path())) {
            return vanished(planned.key(), local, started);
        }
        RunProgress.Stream stream = progress.start(planned.key(), local.size());
        try {
            return shape.multipart(local.size())
                    ? multipart(sending, stream, started)
                    : single(sending, stream, started);
        } catch (Exception e) {
            if (!Files.exists(local.path())) {
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

    /**
     * A confirmed upload, its file kept in the hash cache while it is as sent: its ETag, its whole MD5 where known, and
     * serverEtag, the ETag the server gave this content (the outcome's, as the bucket lists it).
     */
    private UploadOutcome uploaded(PlannedFile planned, UploadOutcome.Status status, long sent, long reused, long started, String localEtag,
            String md5, String serverEtag, String message) {
        LocalFile local = planned.local();
        if (unchanged(local)) {
            hashes.remember(local, shape, localEtag, md5, serverEtag);
        }
        return new UploadOutcome(planned.key(), status, local.size(), sent, reused, System.currentTimeMillis() - started, serverEtag, message);
    }

    private UploadOutcome single(Sending sending, RunProgress.Stream stream, long started) throws IOException {
        PlannedFile planned = sending.planned();
        String key = planned.key();
        LocalFile local = planned.local();
        String known = hashes.known(local, shape);
        if (known == null && planned.remote() == null && !etags.opaque()) {
            return singleNew(sending, stream, started);
        }
        String md5Hex = known != null ? known : hashes.etag(local, shape);
        keepReplaced(sending);
        for (int attempt = 1; ; attempt++) {
            // a second sending carries the md5chksum too: the first one's ETag may have differed for being no MD5
            boolean withMd5 = etags.opaque() || attempt > 1;
            String etag;
            try {
                etag = put(key, md5Hex, withMd5, sending, stream);
            } catch (StoreException e) {
                // the server found the bytes unlike their MD5 for a file that did not change: a wrong cached MD5, or a body
                // damaged on the way
                if (!"BadDigest".equals(e.code()) || !unchanged(local) || attempt > 1) {
                    throw e;
                }
                LOG.warn("{}: the server refused the body as unlike its MD5 (BadDigest): hashing the file again and sending it"
                        + " once more", key);
                md5Hex = hashes.rehash(local, shape);
                etag = put(key, md5Hex, withMd5, sending, stream);
            }
            String stored = confirmed(key, local.size(), md5Hex, etag, withMd5);
            if (stored != null) {
                return uploaded(planned, UploadOutcome.Status.UPLOADED, local.size(), 0, started, md5Hex, md5Hex, stored, null);
            }
            if (attempt == 2) {
                return UploadOutcome.failed(key, local.size(), System.currentTimeMillis() - started, etags.opaque()
                        ? "not confirmed: " + EtagForm.problem(s3.head(key), local.size(), md5Hex)
                        : "server ETag " + etag + " differs from local MD5 " + md5Hex);
            }
            // its answer was cut and the object is not (yet) these bytes, or this service's ETags are not MD5s: once more
            LOG.warn("{}: the PUT's answer did not confirm the bytes (ETag '{}'); sending it again", key, etag);
        }
    }

    /** One PUT of the whole file under a Content-MD5 (the server refuses damaged bytes), with the md5chksum when asked. */
    private String put(String key, String md5Hex, boolean withMd5, Sending sending, RunProgress.Stream stream) {
        LocalFile local = sending.planned().local();
        return s3.put(key, body(local.path(), 0, local.size(), null, sending.window(), sending.progress(), stream), EtagForm.base64(md5Hex),
                metadata(local, withMd5 ? md5Hex : null));
    }

    /**
     * The user metadata an upload of the file carries: its modification time as the scan read it (rclone's mtime, which
     * restore-set and rclone set on the files they write), and the md5chksum when md5Hex is given.
     */
    private static Map<String, String> metadata(LocalFile local, String md5Hex) {
        Map<String, String> metadata = new HashMap<>(MtimeMetadata.of(local.modified()));
        if (md5Hex != null) {
            metadata.putAll(EtagForm.metadata(md5Hex));
        }
        return metadata;
    }

    /**
     * The ETag the object now has when a PUT of these bytes is confirmed, else null. Where ETags are not MD5s, a HEAD must
     * find the object with the file's size and md5chksum; otherwise the PUT's ETag must be the MD5, or (a sending with
     * the md5chksum) the object must show that this service's ETags are not MD5s.
     */
    private String confirmed(String key, long size, String md5Hex, String etag, boolean withMd5) {
        if (etags.opaque()) {
            Optional<StoredObject> head = s3.head(key);
            return EtagForm.problem(head, size, md5Hex) == null ? head.get().etag() : null;
        }
        if (etag.equalsIgnoreCase(md5Hex)) {
            return etag;
        }
        return withMd5 && etags.shownByObject(key, size, md5Hex, etag, s3.head(key)) ? etag : null;
    }

    /**
     * A key with no object yet goes up in one read of its file: hashed while sent, checked against the ETag after.
     * Nothing older can be overwritten, so instead of Content-MD5 refusing a damaged or torn body, the object is
     * deleted again when its ETag differs from the bytes read or the file changed while they were read. An ETag
     * that differs sends the bytes once more, now under their Content-MD5 and md5chksum: a lost answer, or a service
     * whose ETags are not MD5s, is told apart from damage that way.
     */
    private UploadOutcome singleNew(Sending sending, RunProgress.Stream stream, long started) {
        PlannedFile planned = sending.planned();
        String key = planned.key();
        LocalFile local = planned.local();
        MessageDigest digest = LocalEtag.md5();
        // an answer cut short is settled by the object's own ETag, which tells whether the bytes sent arrived
        String etag = s3.put(key, body(local.path(), 0, local.size(), digest, sending.window(), sending.progress(), stream), null,
                metadata(local, null));
        String md5Hex = HexFormat.of().formatHex(digest.digest());
        if (!unchanged(local)) {
            s3.delete(key);
            return changed(key, local, started);
        }
        String stored = etag.equalsIgnoreCase(md5Hex) ? etag : null;
        if (stored == null) {
            LOG.warn("{}: the PUT's answer did not confirm the bytes (ETag '{}'); sending them again under their MD5", key, etag);
            etag = put(key, md5Hex, true, sending, stream);
            stored = confirmed(key, local.size(), md5Hex, etag, true);
        }
        if (stored == null) {
            s3.delete(key);
            return UploadOutcome.failed(key, local.size(), System.currentTimeMillis() - started, "server ETag " + etag
                    + " differs from the MD5 of the bytes sent " + md5Hex + "; the object was deleted again, sent again next run");
        }
        return uploaded(planned, UploadOutcome.Status.UPLOADED, local.size(), 0, started, md5Hex, md5Hex, stored, null);
    }

    private UploadOutcome multipart(Sending sending, RunProgress.Stream stream, long started) throws IOException {
        String key = sending.planned().key();
        LocalFile local = sending.planned().local();
        TransferWindow window = sending.window();
        RunProgress progress = sending.progress();
        long size = local.size();
        long partSize = shape.partSizeFor(size);
        int count = shape.parts(size);
        // where ETags are not MD5s the upload carries the whole file's MD5, taken before it (as rclone does), and each part its own
        boolean opaque = etags.opaque();
        String md5 = opaque ? hashes.md5(local, shape) : null;
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
            // its md5chksum is another content's, or unknown: it cannot be completed as this file; its mtime is an earlier
            // version's of the file (changed since the cut), which the object would carry: both start afresh
            if (opaque && !md5.equals(p.md5()) || p.mtime() != null && !p.mtime().equals(MtimeMetadata.format(local.modified()))) {
                s3.abortUpload(key, uploadId);
                uploadId = null;
            }
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
            Map<String, String> metadata = metadata(local, opaque ? md5 : null);
            metadata.put(Bucket.PART_SIZE_METADATA, String.valueOf(partSize));
            uploadId = s3.createUpload(key, metadata);
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
                        results[n - 1] = part(key, id, n, local.path(), offset, length, have.get(n), opaque, window, progress, stream);
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
        if ((failure != null || cut == 0) && !Files.exists(local.path())) {
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
        if (!opaque && etags.opaque()) { // a part showed this service's ETags are not MD5s: the upload needs the md5chksum
            s3.abortUpload(key, uploadId);
            LOG.info("{}: sent again as an upload that carries the file's MD5 (md5chksum)", PrintableName.of(key));
            return multipart(sending, stream, started);
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
        UploadOutcome.Status status = reused > 0 ? UploadOutcome.Status.RESUMED : UploadOutcome.Status.UPLOADED;
        String resumed = reused > 0 ? "resumed: " + reused + " bytes already stored" : null;
        if (opaque) {
            Optional<StoredObject> head = s3.head(key);
            String problem = EtagForm.problem(head, size, md5);
            if (problem != null) {
                return UploadOutcome.failed(key, size, System.currentTimeMillis() - started, "the completed object is not confirmed: " + problem);
            }
            return uploaded(sending.planned(), status, sent, reused, started, expected, md5, head.get().etag(), resumed);
        }
        if (!etag.contains("-")) { // a service giving multipart objects their whole content's MD5 (s3rver): compare with the file's
            try (InputStream in = Files.newInputStream(local.path())) {
                expected = LocalEtag.single(in);
            }
        }
        if (!etag.equalsIgnoreCase(expected)) {
            return UploadOutcome.failed(key, size, System.currentTimeMillis() - started,
                    "server ETag " + etag + " differs from the local multipart ETag " + expected);
        }
        return uploaded(sending.planned(), status, sent, reused, started, expected, null, etag, resumed);
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

    /**
     * One part, found stored or sent. Sent, its bytes are hashed as they go and its ETag must be their MD5; a second
     * sending goes under the first one's MD5 as Content-MD5, and a service that checks it and still answers another ETag
     * is one whose ETags are not MD5s. Where that is known (opaque), the part is hashed before it goes and sent under
     * its Content-MD5, which the server checks; its ETag tells nothing. A stored part counts when its ETag is the local
     * MD5 or the journal has it sent under that MD5.
     */
    private PartResult part(String key, String uploadId, int number, Path file, long offset, long length, StoredPart have, boolean opaque,
            TransferWindow window, RunProgress progress, RunProgress.Stream stream) throws IOException {
        if (!window.mayContinue()) {
            return PartResult.cut();
        }
        byte[] before = opaque || have != null && have.size() == length ? md5Of(file, offset, length) : null;
        if (have != null && have.size() == length) {
            String hex = HexFormat.of().formatHex(before);
            if (hex.equalsIgnoreCase(have.etag()) || hex.equalsIgnoreCase(have.md5())) {
                return new PartResult(have, before, 0, length, null);
            }
        }
        if (!Files.isReadable(file)) {
            // fail before the request: a body that fails after the headers went out spoils the pooled connection
            throw new NoSuchFileException(file.toString(), null, "not readable before part " + number);
        }
        long sent = 0;
        byte[] previous = opaque ? before : null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            MessageDigest digest = LocalEtag.md5();
            String contentMd5 = previous == null ? null : Base64.getEncoder().encodeToString(previous);
            String etag;
            try {
                etag = s3.uploadPart(key, uploadId, number, body(file, offset, length, digest, window, progress, stream), contentMd5);
            } catch (StoreException e) {
                if (!"BadDigest".equals(e.code()) || attempt == 2) {
                    throw e;
                }
                // the bytes arrived unlike their MD5: damaged on the way, or the file changed (then refused again)
                LOG.warn("{}: part {} was refused as unlike its MD5 (BadDigest): sending it again", PrintableName.of(key), number);
                sent += length;
                continue;
            }
            byte[] md5 = digest.digest();
            sent += length;
            String hex = HexFormat.of().formatHex(md5);
            // no ETag: the answer was cut in its headers, the part is unconfirmed and goes again
            boolean confirmed = etag != null && (hex.equalsIgnoreCase(etag)
                    || contentMd5 != null && Arrays.equals(md5, previous) && (opaque || etags.shownByPart(key, number, hex, etag)));
            if (confirmed) {
                return new PartResult(new StoredPart(number, length, etag), md5, sent, 0, null);
            }
            previous = md5;
        }
        return new PartResult(null, null, sent, 0, "part " + number + " was not confirmed twice (server ETag missing or differs from local MD5)");
    }

    /** A body the SDK can re-open on retry: each stream reads the range afresh and restarts the digest. */
    private Bucket.Body body(Path file, long offset, long length, MessageDigest digest, TransferWindow window, RunProgress progress,
            RunProgress.Stream stream) {
        AtomicInteger opened = new AtomicInteger();
        BodyProgress read = new BodyProgress(n -> progress.add(stream, n)); // a retry's second read is no progress
        return new Bucket.Body(length, () -> {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            // the HTTP client reads 4 KiB at a time: a read-ahead buffer makes that one file read per 256 KiB (a small
            // file's buffer is the file's size)
            InputStream range = BoundedInputStream.builder().setInputStream(new BufferedInputStream(Channels.newInputStream(channel),
                    (int) Math.max(1, Math.min(READ_AHEAD, length))))
                    .setMaxCount(length).get();
            if (hashPassFirst && opened.incrementAndGet() % 2 == 1) {
                return range; // the signing pass of an attempt: local only
            }
            if (digest != null) {
                digest.reset();
            }
            return new MeteredInputStream(range, limiter, digest, read.attempt(), window::abandoned);
        });
    }

    private static byte[] md5Of(Path file, long offset, long length) throws IOException {
        MessageDigest md5 = LocalEtag.md5();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (LocalEtag.digest(channel, offset, length, md5, ByteBuffer.allocateDirect(LocalEtag.FILE_BUFFER)) < length) {
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
        String unanswered = S3Errors.unanswered(e);
        if (unanswered != null) {
            return "no answer from the S3 server: " + unanswered; // the HTTP client's words alone ("Read timed out") name no server
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException s) {
                // a refused setting: its fault, named with its value; else the request and S3Errors' words, not the SDK's
                return s.refusedSetting() != null ? s.reason() : s.getMessage().lines().findFirst().orElse("");
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
