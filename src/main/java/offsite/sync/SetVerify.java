package offsite.sync;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongConsumer;
import offsite.store.Bucket;
import offsite.store.EtagForm;

/**
 * Checks the bucket against the local set without downloading: every file by size and ETag (the plan of a pass
 * that would upload nothing), and every file the plan leaves alone for a reason of its own (held back, still being
 * written) by what the bucket holds of it. A deep check also takes some unchanged files and hashes both sides: the local file
 * from its bytes, not from the hash cache (an edit that kept size and times is found there), and the downloaded object;
 * both are compared with the object's ETag, or where ETags are not MD5s with its md5chksum when it has one.
 */
public final class SetVerify {

    /**
     * One object found different, missing or extra, one deep check that failed, or one file that could not be compared;
     * doubt: not compared (still being written, or changed on either side while it was checked), no difference found;
     * damaged: the object, at this ETag, holds bytes that do not hash to it while the local file's do (null: not that): its
     * file can be sent again as it is.
     */
    public record Difference(String key, String what, boolean doubt, String damaged) {

        public Difference(String key, String what) {
            this(key, what, false, null);
        }

        static Difference notCompared(String key, String why) {
            return new Difference(key, "not compared: " + why, true, null);
        }
    }

    private static final String STILL_WRITTEN = "modified within offsite.sync.stable-for: still being written";

    private final Bucket s3;
    private final UploadShape shape;
    private final EtagForm etags;

    public SetVerify(Bucket s3, UploadShape shape, EtagForm etags) {
        this.s3 = s3;
        this.shape = shape;
        this.etags = etags;
    }

    /**
     * Every file the bucket lacks or holds otherwise, whatever the plan's reason for it: held back files are named
     * with why they were held; a file still being written is compared by what can be: its presence and size.
     */
    public List<Difference> differences(SyncPlan plan) {
        List<Difference> out = new ArrayList<>();
        for (PlannedFile f : plan.files()) {
            String what = difference(f);
            if (what != null) {
                out.add(new Difference(f.key(), what));
            }
        }
        return out;
    }

    /** Files still being written that the bucket holds at their size: their bytes cannot be compared yet. */
    public List<Difference> notCompared(SyncPlan plan) {
        return plan.with(SyncAction.DEFERRED).stream().filter(f -> difference(f) == null)
                .map(f -> Difference.notCompared(f.key(), STILL_WRITTEN + "; the bucket holds an object of its size"))
                .toList();
    }

    /** What tells the file from its object, or null when nothing does; a switch over every action, so a new one must be decided here. */
    private static String difference(PlannedFile f) {
        return switch (f.action()) {
            case UNCHANGED -> null;
            case NEW -> "missing from the bucket";
            case CHANGED -> "differs: " + f.reason();
            case REMOTE_ONLY -> "only in the bucket";
            case HELD -> (f.remote() == null ? "missing from the bucket" : "differs: size " + f.remote().size() + " -> " + f.size())
                    + ", held back by the mirror: " + f.reason();
            case DEFERRED -> f.remote() == null ? "missing from the bucket (" + STILL_WRITTEN + ")"
                    : f.remote().size() != f.size() ? "differs: size " + f.remote().size() + " -> " + f.size() + " (" + STILL_WRITTEN + ")" : null;
        };
    }

    /** Up to count unchanged files taken at random: those a deep check hashes. */
    public static List<PlannedFile> deepSample(SyncPlan plan, int count, Random random) {
        List<PlannedFile> unchanged = new ArrayList<>(plan.with(SyncAction.UNCHANGED));
        Collections.shuffle(unchanged, random);
        return List.copyOf(unchanged.subList(0, Math.min(count, unchanged.size())));
    }

    /** The bytes a deep check of these files reads: each file here, and its object downloaded. */
    public static long deepBytes(List<PlannedFile> files) {
        return 2 * files.stream().mapToLong(PlannedFile::size).sum();
    }

    /**
     * Hashes each file afresh and downloads and hashes its object, both compared with the object's ETag; progress counts
     * every byte read, here and downloaded, once (a download tried again counts from where the first attempt stopped). A
     * file that changed while it was hashed (the backup application at work), or an object replaced or deleted while it was
     * downloaded (a pass under way), is a doubt, not a difference: the plan's ETag no longer stands for either.
     */
    public List<Difference> deep(List<PlannedFile> files, RunProgress progress) throws IOException {
        List<Difference> out = new ArrayList<>();
        for (PlannedFile f : files) {
            String storedMd5 = etags.opaque() ? s3.head(f.key()).map(EtagForm::storedMd5).orElse(null) : null;
            boolean byMd5 = storedMd5 != null;
            String expected = byMd5 ? storedMd5 : f.remote().etag();
            String what = byMd5 ? "the MD5 its md5chksum holds" : "the ETag";
            InputStream file = counted(Files.newInputStream(f.local().path()), progress::add);
            String local = byMd5 ? md5Of(file) : etagOf(file, f);
            if (!local.equals(expected) && changedSince(f.local())) {
                out.add(Difference.notCompared(f.key(), "the local file " + f.local().path() + " changed while it was hashed"));
                continue;
            }
            boolean localWhole = local.equals(expected);
            if (!localWhole) {
                out.add(new Difference(f.key(), "the local file " + f.local().path() + " hashes to " + local + " but " + what + " is " + expected
                        + ": it changed without its size or modification time changing (the hash cache had it as sent)"));
            }
            String actual = null;
            IOException cut = null;
            BodyProgress download = new BodyProgress(progress::add);
            // a download cut short says nothing about the object: try once more, then say it was not checked
            for (int attempt = 1; attempt <= 2 && actual == null; attempt++) {
                try {
                    InputStream object = counted(s3.get(f.key(), 0), download.attempt());
                    actual = byMd5 ? md5Of(object) : etagOf(object, f);
                } catch (IOException e) {
                    cut = e;
                }
            }
            if (actual == null) {
                out.add(new Difference(f.key(), "not checked, its download failed twice: " + cut.getMessage()));
            } else if (!actual.equals(expected) && !s3.head(f.key()).map(Bucket.StoredObject::etag).orElse("").equals(f.remote().etag())) {
                out.add(Difference.notCompared(f.key(), "the object was replaced or deleted in the bucket while it was downloaded"));
            } else if (!actual.equals(expected)) {
                out.add(new Difference(f.key(), "downloaded bytes hash to " + actual + " but " + what + " is " + expected, false,
                        localWhole ? f.remote().etag() : null));
            }
        }
        return out;
    }

    /** Whether the file is gone or has another size, modification time, change time or inode than the scan saw. */
    private static boolean changedSince(LocalFile seen) throws IOException {
        try {
            BasicFileAttributes now = Files.readAttributes(seen.path(), BasicFileAttributes.class);
            if (now.size() != seen.size() || !now.lastModifiedTime().toInstant().equals(seen.modified())) {
                return true;
            }
            if (seen.changed() == null) {
                return false;
            }
            Map<String, Object> unix = Files.readAttributes(seen.path(), "unix:ctime,ino");
            return !((FileTime) unix.get("ctime")).toInstant().equals(seen.changed()) || (Long) unix.get("ino") != seen.inode();
        } catch (NoSuchFileException gone) {
            return true;
        }
    }

    /** The stream, each byte read told to counter. */
    private static InputStream counted(InputStream in, LongConsumer counter) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    counter.accept(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    counter.accept(n);
                }
                return n;
            }
        };
    }

    /** The MD5 of the stream's bytes, the stream closed. */
    private static String md5Of(InputStream opened) throws IOException {
        try (InputStream in = opened) {
            return LocalEtag.single(in);
        }
    }

    /** The ETag of the stream's bytes (the file or its object) cut as the object was stored, the stream closed. */
    private String etagOf(InputStream opened, PlannedFile f) throws IOException {
        if (f.remote().partCount() == 0) {
            return md5Of(opened);
        }
        try (InputStream in = opened) {
            return LocalEtag.multipart(in, partSize(f));
        }
    }

    private long partSize(PlannedFile f) {
        return shape.parts(f.size()) == f.remote().partCount() ? shape.partSizeFor(f.size()) : s3.firstPartSize(f.key());
    }
}
