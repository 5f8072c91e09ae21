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
import offsite.store.RemoteObject;
import offsite.store.S3Downloads;

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

    private final S3Downloads s3;
    private final UploadShape shape;
    private final BandwidthLimiter limiter;
    private final ExecutorService streams;

    public SetRestore(S3Downloads s3, UploadShape shape, BandwidthLimiter limiter, ExecutorService streams) {
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
            RunProgress.Stream stream = progress.start(o.key(), o.size());
            try (InputStream in = new MeteredInputStream(s3.open(o.key(), have), limiter, null, n -> progress.add(stream, n));
                    OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                in.transferTo(out);
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
            return new Restored(o.key(), o.size() - have, false, null);
        } catch (IOException | RuntimeException e) {
            return new Restored(o.key(), 0, false, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
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
        long partSize = shape.multipart(size) && shape.parts(size) == parts ? shape.partSizeFor(size) : s3.partSize(o.key());
        return LocalEtag.multipart(file, partSize);
    }
}
