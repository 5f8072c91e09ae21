package offsite.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import offsite.files.DiskFull;
import offsite.store.RemoteObject;
import offsite.store.Bucket;

/**
 * Brings a mirrored set back: every object under the prefix to DIR, in parallel under the bandwidth cap, each
 * verified against its ETag before it takes its name. An interrupted restore resumes: finished files whose
 * size and ETag match are kept, and a NAME.offsite-part file continues from where it stopped.
 */
public final class SetRestore {

    /** What happened to one object. */
    public record Restored(String key, long bytes, boolean skipped, String problem) {
    }

    static final String PARTIAL = ".offsite-part";
    /** Downloads of one object per run, each resuming where the last answer was cut. */
    static final int ATTEMPTS = 4;

    private final Bucket s3;
    private final UploadShape shape;
    private final BandwidthLimiter limiter;
    private final ExecutorService streams;

    public SetRestore(Bucket s3, UploadShape shape, BandwidthLimiter limiter, ExecutorService streams) {
        this.s3 = s3;
        this.shape = shape;
        this.limiter = limiter;
        this.streams = streams;
    }

    /** Refuses a non-empty directory that holds no interrupted restore, unless overwriting is asked for. */
    public static String refusal(Path dir, boolean overwrite) throws IOException {
        if (!Files.exists(dir) || overwrite) {
            return null;
        }
        if (!Files.isDirectory(dir)) {
            return "--to " + dir + " is not a directory";
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> files = walk.filter(Files::isRegularFile).toList();
            boolean interrupted = files.stream().anyMatch(p -> p.getFileName().toString().endsWith(PARTIAL));
            if (!files.isEmpty() && !interrupted) {
                return "--to " + dir + " is not empty: restore into an empty directory, or add --overwrite";
            }
        }
        return null;
    }

    public List<Restored> restore(List<RemoteObject> objects, String prefix, Path dir, RunProgress progress) throws InterruptedException {
        List<Future<Restored>> running = new ArrayList<>();
        for (RemoteObject o : objects) {
            running.add(streams.submit(() -> one(o, prefix, dir, progress)));
        }
        List<Restored> out = new ArrayList<>();
        for (Future<Restored> f : running) {
            try {
                out.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                out.add(new Restored("?", 0, false, String.valueOf(e.getCause().getMessage())));
            }
        }
        return out;
    }

    private Restored one(RemoteObject o, String prefix, Path dir, RunProgress progress) {
        String relative = o.key().substring(prefix.length());
        Path target = dir.resolve(relative).normalize();
        if (!target.startsWith(dir.normalize()) || relative.isEmpty()) {
            return new Restored(o.key(), 0, false, "key escapes the restore directory: not restored");
        }
        try {
            if (Files.isRegularFile(target) && Files.size(target) == o.size() && etagOf(target, o).equals(o.etag())) {
                return new Restored(o.key(), 0, true, null);
            }
            Files.createDirectories(target.getParent());
            Path part = target.resolveSibling(target.getFileName() + PARTIAL);
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (have > o.size()) {
                Files.delete(part);
                have = 0;
            }
            long before = have;
            RunProgress.Stream stream = progress.start(o.key(), o.size());
            try {
                for (int attempt = 1; ; attempt++) {
                    try {
                        download(o.key(), part, have, stream, progress);
                        break;
                    } catch (AnswerCut e) {
                        long now = Files.exists(part) ? Files.size(part) : 0;
                        // a cut answer resumes from what arrived; one that brings nothing keeps failing
                        if (attempt >= ATTEMPTS || now == have) {
                            return new Restored(o.key(), now - before, false, e.getMessage() + " (" + attempt + " attempt(s))"
                                    + (now > 0 ? "; the partial file waits as " + part.getFileName() + " and resumes next run" : ""));
                        }
                        have = now;
                    }
                }
            } catch (IOException e) {
                return new Restored(o.key(), 0, false, DiskFull.is(e, part)
                        ? "the disk is full: cannot write " + part + " in " + dir + " (" + e.getMessage() + "); the partial file is"
                                + " kept and the restore resumes once there is room" : "cannot write " + part + ": " + e.getMessage());
            } finally {
                progress.finish(stream);
            }
            String etag = etagOf(part, o);
            if (!etag.equals(o.etag())) {
                Files.delete(part);
                return new Restored(o.key(), o.size(), false, "downloaded bytes have ETag " + etag + ", the bucket says " + o.etag()
                        + ": discarded, run the restore again");
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Restored(o.key(), o.size() - before, false, null);
        } catch (IOException | RuntimeException e) {
            return new Restored(o.key(), 0, false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** A download that failed on the S3 side (an answer cut short, a reset): the bytes written so far are sound. */
    private static final class AnswerCut extends Exception {
        AnswerCut(String message) {
            super(message);
        }
    }

    /** Appends the object's bytes from offset to the part file; a failure reading throws AnswerCut, one writing IOException. */
    private void download(String key, Path part, long offset, RunProgress.Stream stream, RunProgress progress) throws IOException, AnswerCut {
        InputStream opened;
        try {
            opened = s3.get(key, offset);
        } catch (IOException | RuntimeException e) {
            throw new AnswerCut(key + ": " + describe(e));
        }
        try (InputStream in = new MeteredInputStream(opened, limiter, null, n -> progress.add(stream, n));
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException | RuntimeException e) {
                    throw new AnswerCut(describe(e));
                }
                if (n < 0) {
                    return;
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }

    /** The ETag the file would have, using the part size the object was stored with. */
    private String etagOf(Path file, RemoteObject o) throws IOException {
        int parts = o.partCount();
        if (parts == 0) {
            try (InputStream in = Files.newInputStream(file)) {
                return LocalEtag.single(in);
            }
        }
        long size = Files.size(file);
        long partSize = shape.multipart(size) && shape.parts(size) == parts ? shape.partSizeFor(size) : s3.firstPartSize(o.key());
        return LocalEtag.multipart(file, partSize);
    }
}
