package offsite.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import offsite.files.DiskFull;
import offsite.files.RestoreTarget;
import offsite.files.Sha256;
import offsite.report.ByteSize;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.MtimeMetadata;
import offsite.store.RemoteObject;

/**
 * Brings a mirrored set back: every object under the prefix to DIR, in parallel under the bandwidth cap. Downloads
 * go to DIR/.offsite-restore/ under names of their own, never beside the files (a set may hold NAME and
 * NAME.offsite-part), and take their name only once their size and ETag (or stored MD5) are checked. Nothing is
 * written through a symbolic link that leads out of DIR, and no file is replaced without --overwrite. An interrupted
 * restore resumes: files already right are kept, and a partial download continues where it stopped.
 */
public final class SetRestore {

    /**
     * What happened to one object: bytes downloaded now, whether it was already there, the size of the file now under
     * its name (0 when none), the problem (null when restored), and where the file's modification time came from.
     */
    public record Restored(String key, long bytes, boolean skipped, long size, String problem, Mtime mtime) {
        public Restored(String key, long bytes, boolean skipped, long size, String problem) {
            this(key, bytes, skipped, size, problem, Mtime.NOT_SET);
        }
    }

    /** Where a downloaded file's modification time came from. */
    public enum Mtime {
        /** The object's mtime metadata: the file's own, as stored at its upload (by Offsite or rclone). */
        STORED,
        /** The object's LastModified, as listed: an object stored without mtime (an older Offsite, another tool). */
        LAST_MODIFIED,
        /** None set: the file keeps the time it was written (nothing downloaded, or the time could not be set). */
        NOT_SET
    }

    /**
     * A whole restore: where from and to, what the listing promised, what each object came to, and why the S3 server was
     * taken as stopped when objects were left untried for it (null: it answered to the end).
     */
    public record Outcome(String source, Path dir, int listed, long listedBytes, List<Restored> results, String stopped) {
        public Outcome {
            results = List.copyOf(results);
        }

        public Outcome(String source, Path dir, int listed, long listedBytes, List<Restored> results) {
            this(source, dir, listed, listedBytes, results, null);
        }

        /** OK only when every listed object is under its name with every listed byte; never for an empty listing. */
        public boolean ok() {
            return listed > 0 && results.size() == listed && results.stream().allMatch(r -> r.problem() == null)
                    && results.stream().mapToLong(Restored::size).sum() == listedBytes;
        }

        /** One line: OK or FAILED, how many objects of how many, where, and any shortfall against the listing. */
        public String verdict() {
            return verdict(null);
        }

        /**
         * The same, WARN instead of OK when the listing itself may lack files of the set: notWhole says why (null: the
         * generation listed was mirrored whole).
         */
        public String verdict(String notWhole) {
            return verdict(notWhole, null);
        }

        /**
         * The same, FAILED whatever came back when the listing itself lacks objects of the set: missing says why (null: it
         * holds all that was mirrored).
         */
        public String verdict(String notWhole, String missing) {
            if (listed == 0) {
                return "FAILED: nothing to restore: " + source + " holds no objects (check --generation and offsite.sync.prefix)";
            }
            long restored = results.stream().filter(r -> r.problem() == null).count();
            long bytes = results.stream().mapToLong(Restored::bytes).sum();
            long kept = results.stream().filter(Restored::skipped).count();
            long onDisk = results.stream().mapToLong(Restored::size).sum();
            return (!ok() || missing != null ? "FAILED: " : notWhole == null ? "OK: " : "WARN: ") + restored + " of " + listed + " objects restored to " + dir
                    + " (" + ByteSize.format(bytes) + " downloaded, " + kept + " already there)"
                    + (results.size() == listed ? "" : "; only " + results.size() + " of the " + listed + " listed objects came back")
                    + (onDisk == listedBytes ? "" : "; the files hold " + onDisk + " of the " + listedBytes + " bytes listed")
                    + (missing != null ? "; but " + missing : "")
                    + (ok() && notWhole != null ? (missing != null ? "; and " : "; but ") + notWhole : "");
        }

        /**
         * One line saying where the modification times of the files downloaded came from (null when none was downloaded):
         * the mtime stored at upload, the object's LastModified (objects stored without one), or none (the download time).
         */
        public String mtimes() {
            long stored = count(Mtime.STORED);
            long lastModified = count(Mtime.LAST_MODIFIED);
            long notSet = results.stream().filter(r -> r.problem() == null && !r.skipped()).count() - stored - lastModified;
            if (stored + lastModified + notSet == 0) {
                return null;
            }
            return "modification times: " + stored + " file(s) as stored at upload (mtime metadata), " + lastModified
                    + " from the object's LastModified (stored without mtime: an older Offsite or another tool)"
                    + (notSet == 0 ? "" : ", " + notSet + " left at the download time (the object tells none, or it could not be set)")
                    + (results.stream().anyMatch(Restored::skipped) ? "; files already there kept theirs" : "");
        }

        private long count(Mtime source) {
            return results.stream().filter(r -> r.problem() == null && !r.skipped() && r.mtime() == source).count();
        }

        /**
         * One line per object that did not come back whole: its key and why; the objects not tried once the S3 server had
         * stopped answering in one line at the end, not one each (a set of 20,000 gave 8,000 lines of the same error).
         */
        public List<String> problems() {
            List<String> out = new ArrayList<>(results.stream().filter(r -> r.problem() != null && !NOT_TRIED.equals(r.problem()))
                    .map(r -> r.key() + ": " + r.problem()).toList());
            long notTried = results.stream().filter(r -> NOT_TRIED.equals(r.problem())).count();
            if (notTried > 0) {
                out.add(notTried + " more object(s) not tried: " + (stopped == null ? "the S3 server had stopped answering" : stopped)
                        + "; run the restore again once it answers: it resumes where this one stopped");
            }
            return out;
        }
    }

    /** The problem of an object left untried because the S3 server had stopped answering (Outcome.stopped says why). */
    static final String NOT_TRIED = "not tried: the S3 server had stopped answering";
    /** The folder inside DIR that holds partial downloads; no object of the set is restored under it. */
    static final String WORK = ".offsite-restore";
    /** Downloads of one object per run, each resuming where the last answer was cut. */
    static final int ATTEMPTS = 4;
    /** An ETag in one of the forms S3 gives an MD5: hex, or hex-N for a multipart upload. */
    private static final Pattern MD5_ETAG = Pattern.compile("[0-9a-fA-F]{32}(-[0-9]+)?");

    private final Bucket s3;
    private final UploadShape shape;
    private final BandwidthLimiter limiter;
    private final ExecutorService streams;
    private final EtagForm etags;
    private final StoppedStore stoppedStore;

    /** stoppedStore: asked before each object; once the server has stopped answering, no more downloads are started. */
    public SetRestore(Bucket s3, UploadShape shape, BandwidthLimiter limiter, ExecutorService streams, EtagForm etags,
            StoppedStore stoppedStore) {
        this.s3 = s3;
        this.shape = shape;
        this.limiter = limiter;
        this.streams = streams;
        this.etags = etags;
        this.stoppedStore = stoppedStore;
    }

    /**
     * Refuses a directory that holds anything but an interrupted restore (one with DIR/.offsite-restore/), unless
     * overwriting is asked for. Any entry counts, a link or a stray partial file as much as a file.
     */
    public static String refusal(Path dir, boolean overwrite) throws IOException {
        String notAFolder = RestoreTarget.notAFolder(dir); // --overwrite replaces a folder's files, never a file
        if (notAFolder != null) {
            return notAFolder;
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || overwrite) {
            return null;
        }
        if (Files.isDirectory(dir.resolve(WORK), LinkOption.NOFOLLOW_LINKS)) {
            return null; // an interrupted restore: each file is checked again, and none replaced without --overwrite
        }
        try (Stream<Path> walk = Files.walk(dir.toRealPath())) {
            if (walk.anyMatch(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                return "--to " + dir + " is not empty: restore into an empty directory, or add --overwrite";
            }
        }
        return null;
    }

    /**
     * Why a restore of the listed objects at dir would write into one of the folders kept out below it (offsite.data.dir,
     * offsite.sync.source: dir their parent, a key's first part their name), naming the first such key; null when none
     * would. Known from the listing alone, each existing folder or link inside dir followed, before anything is written.
     */
    public static String landsIn(Path dir, List<RemoteObject> objects, String prefix, List<RestoreTarget.KeptOut> keptOut)
            throws IOException {
        List<RestoreTarget.KeptOut> below = RestoreTarget.below(dir, keptOut);
        if (below.isEmpty()) {
            return null; // the usual case: no folder to keep out lies under dir, so nothing restored can land in one
        }
        Path realDir = RestoreTarget.real(dir);
        for (RemoteObject o : objects) {
            String relative = o.key().substring(prefix.length());
            if (badName(relative) != null) {
                continue; // never restored
            }
            Path named = dir.toAbsolutePath().relativize(KeyName.resolve(dir, relative).toAbsolutePath());
            String refusal = RestoreTarget.landsIn(dir, o.key(), landing(realDir, named), below);
            if (refusal != null) {
                return refusal;
            }
        }
        return null;
    }

    public Outcome restore(List<RemoteObject> objects, String source, String prefix, Path dir, boolean overwrite, RunProgress progress)
            throws InterruptedException, IOException {
        long listedBytes = objects.stream().mapToLong(RemoteObject::size).sum();
        if (objects.isEmpty()) {
            return new Outcome(source, dir, 0, 0, List.of());
        }
        Files.createDirectories(dir);
        Path realDir = dir.toRealPath();
        Path work = dir.resolve(WORK);
        String workProblem = Files.isSymbolicLink(work) ? work + " is a symbolic link: partial downloads are never written through one"
                + " (remove it)" : null;
        if (workProblem == null) {
            Files.createDirectories(work);
        }
        Map<Path, String> claimed = new ConcurrentHashMap<>();
        List<Future<Restored>> running = new ArrayList<>();
        for (RemoteObject o : objects) {
            running.add(streams.submit(() -> workProblem != null ? new Restored(o.key(), 0, false, 0, workProblem)
                    : one(o, prefix, dir, realDir, work, overwrite, claimed, progress)));
        }
        List<Restored> out = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            try {
                out.add(running.get(i).get());
            } catch (ExecutionException e) {
                out.add(new Restored(objects.get(i).key(), 0, false, 0, String.valueOf(e.getCause().getMessage())));
            }
        }
        String stopped = out.stream().anyMatch(r -> NOT_TRIED.equals(r.problem())) ? stoppedStore.reason() : null;
        Outcome outcome = new Outcome(source, dir, objects.size(), listedBytes, out, stopped);
        if (outcome.ok() && workProblem == null) {
            try {
                Files.deleteIfExists(work); // a finished restore leaves only the set
            } catch (DirectoryNotEmptyException kept) {
                // something of the user's was put there: left alone
            }
        }
        return outcome;
    }

    private Restored one(RemoteObject o, String prefix, Path dir, Path realDir, Path work, boolean overwrite, Map<Path, String> claimed,
            RunProgress progress) {
        if (stoppedStore.reason() != null) {
            return new Restored(o.key(), 0, false, 0, NOT_TRIED); // each request would wait out all its attempts and fail alike
        }
        String relative = o.key().substring(prefix.length());
        String badName = badName(relative);
        if (badName != null) {
            return new Restored(o.key(), 0, false, 0, "not restored: its name under the prefix " + badName);
        }
        Path target = KeyName.resolve(dir, relative);
        // the name the key stands for, its escapes decoded: what is written, so what links and other keys are checked against
        Path named = dir.toAbsolutePath().relativize(target.toAbsolutePath());
        try {
            String leaving = leavingLink(dir, realDir, named);
            if (leaving != null) {
                return new Restored(o.key(), 0, false, 0, leaving);
            }
            Path landing = landing(realDir, named);
            String other = claimed.putIfAbsent(landing, o.key());
            if (other != null) {
                return new Restored(o.key(), 0, false, 0, "not restored: it would land on " + landing + " with " + other
                        + " (a symbolic link inside " + dir + " joins their folders, or both keys stand for one name)");
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                boolean file = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS);
                if (file && Files.size(target) == o.size() && problemWith(target, o) == null) {
                    return new Restored(o.key(), 0, true, o.size(), null);
                }
                if (!overwrite) {
                    return new Restored(o.key(), 0, false, 0, target + " is there with other content"
                            + (file ? "" : " (not a regular file)") + ": not replaced; add --overwrite to replace it");
                }
            }
            return download(o, target, partialFile(work, o), dir, progress);
        } catch (IOException | RuntimeException e) {
            return new Restored(o.key(), 0, false, 0, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** Downloads the object to its partial file (resuming it), checks it, and gives it its name. */
    private Restored download(RemoteObject o, Path target, Path part, Path dir, RunProgress progress) throws IOException {
        long have = resumable(part);
        if (have > o.size()) {
            Files.delete(part);
            have = 0;
        }
        long before = have;
        Map<String, String> metadata = new HashMap<>(); // as the GET answered: no HEAD for it
        RunProgress.Stream stream = progress.start(o.key(), o.size());
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    append(o.key(), part, have, stream, progress, metadata);
                    break;
                } catch (AnswerCut e) {
                    long now = Files.exists(part) ? Files.size(part) : 0;
                    // a cut answer resumes from what arrived; one that brings nothing keeps failing
                    if (attempt >= ATTEMPTS || now == have) {
                        return new Restored(o.key(), now - before, false, 0, e.getMessage() + " (" + attempt + " attempt(s))"
                                + (now > 0 ? "; the partial download waits in " + part.getParent() + " and resumes next run" : ""));
                    }
                    have = now;
                }
            }
        } catch (IOException e) {
            return new Restored(o.key(), 0, false, 0, DiskFull.is(e, part)
                    ? "the disk is full: cannot write " + target + " in " + dir + " (" + e.getMessage() + "); the partial download is"
                            + " kept in " + part.getParent() + " and the restore resumes once there is room"
                    : "cannot write " + target + " (its partial download " + part + "): " + e.getMessage());
        } finally {
            progress.finish(stream);
        }
        long got = Files.size(part);
        String problem = got == o.size() ? problemWith(part, o) : "the download brought " + got + " bytes, the listing promised " + o.size();
        if (problem != null) {
            Files.delete(part);
            return new Restored(o.key(), got - before, false, 0, problem + ": discarded, run the restore again");
        }
        Mtime mtime = setMtime(part, o, metadata);
        Files.createDirectories(target.getParent());
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE); // a rename keeps the time
        return new Restored(o.key(), o.size() - before, false, o.size(), null, mtime);
    }

    /**
     * Gives the downloaded file the modification time the object stored (rclone's mtime metadata), else the object's
     * LastModified as listed (nearer than the download time); says which. A time the filesystem refuses leaves the file's
     * own: its bytes are restored all the same.
     */
    private static Mtime setMtime(Path file, RemoteObject o, Map<String, String> metadata) {
        Instant stored = MtimeMetadata.stored(metadata);
        Instant time = stored != null ? stored : o.lastModified();
        if (time == null) {
            return Mtime.NOT_SET;
        }
        try {
            Files.setLastModifiedTime(file, FileTime.from(time));
        } catch (IOException | RuntimeException e) {
            return Mtime.NOT_SET;
        }
        return stored != null ? Mtime.STORED : Mtime.LAST_MODIFIED;
    }

    /**
     * Null when the file's bytes are the object's: its ETag as S3 computes it, or where the ETag is no MD5 (SSE-KMS,
     * some services), the MD5 stored in its md5chksum metadata if any, else its size alone (checked by the caller).
     * Where ETags are known not to be MD5s, the md5chksum is asked for first, and an object without one has its size
     * checked alone: its ETag, though it looks like an MD5, is none.
     */
    private String problemWith(Path file, RemoteObject o) throws IOException {
        String etag = etags.opaque() ? null : etagOf(file, o);
        if (etag != null && etag.equalsIgnoreCase(o.etag())) {
            return null;
        }
        String stored = s3.head(o.key()).map(EtagForm::storedMd5).orElse(null);
        if (stored != null) {
            String md5 = md5Of(file);
            return md5.equalsIgnoreCase(stored) ? null : "its bytes have the MD5 " + md5 + ", the object's md5chksum says " + stored;
        }
        if (etag == null || !MD5_ETAG.matcher(o.etag()).matches()) {
            return null; // an ETag that is no MD5 and nothing stored to compare: the size is all there is
        }
        return "its bytes have the ETag " + etag + ", the bucket says " + o.etag();
    }

    /**
     * The entries of DIR that no listed object stands for (what --overwrite left as it was: the set restored has them
     * beside it), as paths relative to DIR in name order; the work folder and folders themselves are not counted.
     */
    public static List<Path> unlisted(Path dir, List<RemoteObject> objects, String prefix) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        Set<Path> listed = new HashSet<>();
        for (RemoteObject o : objects) {
            String relative = o.key().substring(prefix.length());
            if (badName(relative) == null) {
                listed.add(dir.relativize(KeyName.resolve(dir, relative)));
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).map(dir::relativize)
                    .filter(p -> !p.startsWith(WORK) && !listed.contains(p)).sorted().toList();
        }
    }

    /** Why a key's name under the prefix cannot be a path inside DIR, or null when it can. */
    static String badName(String relative) {
        if (relative.isEmpty()) {
            return "is empty (a folder marker)";
        }
        if (relative.startsWith("/") || relative.endsWith("/")) {
            return "'" + relative + "' begins or ends with '/'";
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "'" + relative + "' has an empty, '.' or '..' part: it would land elsewhere or on another file";
            }
            if (segment.indexOf('\0') >= 0) {
                return "'" + relative + "' holds a NUL character";
            }
        }
        if (relative.equals(WORK) || relative.startsWith(WORK + "/")) {
            return "'" + relative + "' is under " + WORK + "/, where the restore keeps its partial downloads";
        }
        return null;
    }

    /**
     * The refusal for the first symbolic link on the way from dir to dir/relative (the last part excepted: a link
     * there is replaced, never written through) that leads outside dir or nowhere; null when there is none.
     */
    static String leavingLink(Path dir, Path realDir, Path named) throws IOException {
        Path at = dir;
        for (int i = 0; i < named.getNameCount() - 1; i++) {
            at = at.resolve(named.getName(i));
            if (Files.isSymbolicLink(at)) {
                Path to = Files.readSymbolicLink(at);
                Path real;
                try {
                    real = at.toRealPath();
                } catch (IOException dangling) {
                    return at + " is a symbolic link to " + to + ", which does not exist: nothing is written through it (remove the link)";
                }
                if (!real.startsWith(realDir)) {
                    return at + " is a symbolic link to " + to + ", outside " + dir + ": nothing is written through it (remove the link,"
                            + " or restore elsewhere)";
                }
            }
            if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                return null; // the rest is created by the restore: no link further on
            }
        }
        return null;
    }

    /** Where a write to DIR/relative lands, each existing folder or link on the way resolved. */
    private static Path landing(Path realDir, Path named) throws IOException {
        Path at = realDir;
        for (int i = 0; i < named.getNameCount() - 1; i++) {
            Path next = at.resolve(named.getName(i));
            at = Files.exists(next, LinkOption.NOFOLLOW_LINKS) ? next.toRealPath() : next;
        }
        return at.resolve(named.getFileName());
    }

    /**
     * Bytes of the partial download to resume from, 0 when there is none. Anything under its name but a file of its
     * own (a symbolic link, a name hard-linked to another file: planted in the target, they would take the download's
     * bytes outside it) is removed, never written into, and the download starts afresh.
     */
    private static long resumable(Path part) throws IOException {
        if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        if (Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS) && (int) Files.getAttribute(part, "unix:nlink", LinkOption.NOFOLLOW_LINKS) == 1) {
            return Files.size(part);
        }
        Files.delete(part);
        return 0;
    }

    /** The object's partial download: a name of its own in the work folder, per key and ETag (a replaced object starts afresh). */
    static Path partialFile(Path work, RemoteObject o) {
        byte[] name = Sha256.digest().digest((o.key() + "\n" + o.etag()).getBytes(StandardCharsets.UTF_8));
        return work.resolve(HexFormat.of().formatHex(name).substring(0, 40) + ".part");
    }

    /** A download that failed on the S3 side (an answer cut short, a reset): the bytes written so far are sound. */
    private static final class AnswerCut extends Exception {
        AnswerCut(String message) {
            super(message);
        }
    }

    /**
     * Appends the object's bytes from offset to the part file, the user metadata its answer gave into metadata; a failure
     * reading throws AnswerCut, one writing IOException.
     */
    private void append(String key, Path part, long offset, RunProgress.Stream stream, RunProgress progress, Map<String, String> metadata)
            throws IOException, AnswerCut {
        InputStream opened;
        try {
            Bucket.Download answer = s3.download(key, offset);
            metadata.putAll(answer.metadata());
            opened = answer.body();
        } catch (IOException | RuntimeException e) {
            throw new AnswerCut(describe(e)); // the request's message names the key
        }
        try (InputStream in = new MeteredInputStream(opened, limiter, null, n -> progress.add(stream, n));
                OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
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
            return md5Of(file);
        }
        long size = Files.size(file);
        long partSize = shape.multipart(size) && shape.parts(size) == parts ? shape.partSizeFor(size) : s3.firstPartSize(o.key());
        return LocalEtag.multipart(file, partSize);
    }

    private static String md5Of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return LocalEtag.single(in);
        }
    }
}
