package offsite.image;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import offsite.delta.DeltaPatcher;
import offsite.delta.MalformedDeltaException;
import offsite.files.DiskFull;
import offsite.files.RestoreTarget;
import offsite.files.Sha256;
import offsite.store.Bucket;
import offsite.store.StoreException;
import offsite.sync.RunProgress;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * Brings a machine back: the complete image and, for a diff, its delta are downloaded (each checked against its
 * manifest SHA-256), patched, checked against imageSha256, and extracted safely; the decrypted secret archive
 * is then laid over it. Works from any backup with a manifest.
 */
public final class ImageRestore {

    /** What was restored, and what a user who is not root could not restore. */
    public record Result(String id, String type, int entries, int secretEntries, ImageExtractor.LeftOut leftOut) {
    }

    /** A restore refused before anything was extracted: an entry would land in a folder kept out. */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final Bucket s3;
    private final Path work;
    private volatile RunProgress progress;

    public ImageRestore(Bucket s3, Path work) {
        this.s3 = s3;
        this.work = work;
    }

    /** The folder a restore or check builds the image in (DATA/image/restore-work): room for one image. */
    public Path work() {
        return work;
    }

    /**
     * The backup to restore: --id, or the newest (at or before --at) of one host's: --host, else this machine's
     * offsite.image.host when it has backups here, else the only host there is. Backups of several hosts and no way
     * to choose is an error that names them.
     */
    public static ImageManifest choose(List<ImageManifest> manifests, String id, Instant at, String host, String thisHost) {
        if (id != null && at != null) {
            throw new IllegalArgumentException("--id " + id + " and --at " + at + " each name a backup: give one of them");
        }
        if (id != null) {
            ImageManifest named = manifests.stream().filter(m -> m.id().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--id " + id + ": no backup with a manifest has this id"));
            if (host != null && !host.equals(named.host())) {
                throw new IllegalArgumentException("--id " + id + " is a backup of host " + named.host() + ", not of --host " + host);
            }
            return named;
        }
        Set<String> hosts = manifests.stream().map(m -> String.valueOf(m.host())).collect(Collectors.toCollection(TreeSet::new));
        if (hosts.isEmpty()) { // not "several hosts ()": the prefix holds no backup this restore can read
            throw new IllegalArgumentException("no image backup with a manifest in the bucket: nothing to restore (check offsite.s3.bucket"
                    + " and offsite.image.prefix)");
        }
        String chosenHost = host != null ? host : hosts.contains(thisHost) ? thisHost : hosts.size() == 1 ? hosts.iterator().next() : null;
        if (chosenHost == null) {
            throw new IllegalArgumentException("the image prefix holds backups of several hosts (" + String.join(", ", hosts)
                    + "): choose one with --host");
        }
        return manifests.stream().filter(m -> chosenHost.equals(String.valueOf(m.host())))
                .filter(m -> at == null || !Instant.parse(m.created()).isAfter(at))
                .max(Comparator.comparing(m -> Instant.parse(m.created())))
                .orElseThrow(() -> new IllegalArgumentException(at == null ? "no image backup of host " + chosenHost + " with a manifest in the bucket"
                        + (hosts.isEmpty() ? "" : " (hosts there: " + String.join(", ", hosts) + ")")
                        : "--at " + at + ": no image backup of host " + chosenHost + " at or before that time"));
    }

    /**
     * One line per manifest that could not be read whose id sorts after the chosen backup's (ids are UTC start times):
     * a backup that may be newer than the one a restore of "the newest" takes.
     */
    public static List<String> newerUnreadable(Map<String, String> unreadable, ImageManifest chosen) {
        return unreadable.entrySet().stream().filter(e -> ImageBackup.idOf(e.getKey()).compareTo(chosen.id()) > 0)
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " cannot be read (" + e.getValue() + "); its backup is newer than the one restored here (restore it"
                        + " with --id once its manifest is repaired)")
                .toList();
    }

    /** Bytes downloaded so far by the restore in progress, for the progress line; null before one starts. */
    public RunProgress progress() {
        return progress;
    }

    /**
     * Restores the chosen backup into dir; an entry of the base that would land in one of the folders keptOut
     * (offsite.data.dir, offsite.sync.source below dir) refuses it before anything is extracted (Refused), one of the
     * secret archive as it comes.
     */
    public Result restore(List<ImageManifest> manifests, ImageManifest chosen, Path dir, Path secretKey, char[] passphrase,
            List<RestoreTarget.KeptOut> keptOut) throws IOException {
        progress = new RunProgress(bytesToRead(manifests, chosen, secretKey != null));
        try (WorkFiles files = WorkFiles.in(work)) {
            Path tar = files.tar();
            rebuild(manifests, chosen, files);
            String into = ImageExtractor.landsIn(tar, dir, keptOut);
            if (into != null) {
                throw new Refused(into);
            }
            // the secret archive is opened first: a key or passphrase that cannot open it fails with nothing written
            try (InputStream sealed = secretKey == null ? null : Files.newInputStream(downloadSecrets(chosen, files.encrypted()));
                    InputStream secrets = sealed == null ? null : SecretArchive.decrypt(sealed, secretKey, passphrase)) {
                ImageExtractor extractor = new ImageExtractor(dir, keptOut); // one for both: the secrets are laid over the base it knows
                int entries;
                try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
                    entries = extractor.extract(in);
                }
                int secretEntries = secrets == null ? 0 : extractor.extract(secrets);
                extractor.finish();
                return new Result(chosen.id(), chosen.type(), entries, secretEntries, extractor.leftOut());
            }
        }
    }

    /** The files a restore or check works in, under work; closing deletes them: whatever failed, the data disk gets its room back. */
    private record WorkFiles(Path tar, Path encrypted, Path full, Path delta) implements AutoCloseable {

        static WorkFiles in(Path work) throws IOException {
            Files.createDirectories(work);
            return new WorkFiles(work.resolve("image.tar"), work.resolve("secret.tar.gpg"), work.resolve("full.tar"), work.resolve("delta"));
        }

        @Override
        public void close() throws IOException {
            for (Path left : List.of(tar, encrypted, full, delta)) { // the complete image alone may be gigabytes
                Files.deleteIfExists(left);
            }
        }
    }

    /** What the image rebuilt, with the secret archive's stored bytes checked too when the backup has one. */
    public record Rebuilt(String id, long imageBytes, boolean secretArchive) {
    }

    /**
     * Rebuilds the chosen backup as a restore does, extracting nothing: downloads its complete image (and delta), checks
     * each object's SHA-256, patches, checks the image's SHA-256, and checks the secret archive's stored bytes (no key
     * needed: it stays sealed). Throws naming what is missing or damaged; the work files are removed either way.
     */
    public Rebuilt check(List<ImageManifest> manifests, ImageManifest chosen) throws IOException {
        boolean secret = chosen.object("secret") != null;
        progress = new RunProgress(bytesToRead(manifests, chosen, secret));
        try (WorkFiles files = WorkFiles.in(work)) {
            rebuild(manifests, chosen, files);
            long bytes = Files.size(files.tar());
            Files.delete(files.tar()); // its room back before the secret archive comes
            if (secret) {
                download(chosen.object("secret"), files.encrypted(), false);
            }
            return new Rebuilt(chosen.id(), bytes, secret);
        }
    }

    /** The stored bytes a restore (or check) of chosen reads: its objects, the secret archive only when asked, and a diff's complete image. */
    private static long bytesToRead(List<ImageManifest> manifests, ImageManifest chosen, boolean secret) {
        long total = chosen.objects().stream().filter(o -> secret || !o.role().equals("secret")).mapToLong(ImageManifest.StoredObject::size).sum();
        if (!chosen.full() && manifests.stream().anyMatch(m -> m.id().equals(chosen.base()))) {
            ImageManifest.StoredObject full = manifests.stream().filter(m -> m.id().equals(chosen.base())).findFirst().get().object("full");
            total += full == null ? 0 : full.size();
        }
        return total;
    }

    /**
     * The chosen backup's image at files.tar(): its complete image downloaded (full), patched with its delta for a diff, every
     * object and the result checked against the manifests' SHA-256s.
     */
    private void rebuild(List<ImageManifest> manifests, ImageManifest chosen, WorkFiles files) throws IOException {
        Path full = files.full();
        Path delta = files.delta();
        Path tar = files.tar();
        Map<String, ImageManifest> byId = manifests.stream().collect(Collectors.toMap(ImageManifest::id, Function.identity(), (a, b) -> a));
        ImageManifest complete = chosen.full() ? chosen : byId.get(chosen.base());
        if (complete == null) {
            throw new IOException("diff " + chosen.id() + " needs complete image " + chosen.base() + ", which has no manifest");
        }
        download(complete.object("full"), full, true);
        if (chosen.full()) {
            Files.move(full, tar, StandardCopyOption.REPLACE_EXISTING);
        } else {
            download(chosen.object("delta"), delta, true);
            patch(full, chosen.object("delta"), delta, tar);
            Files.delete(full);
            Files.delete(delta);
        }
        String sha = Sha256.of(tar);
        if (!sha.equals(chosen.imageSha256())) {
            throw new IOException("the rebuilt image of " + chosen.id() + " has SHA-256 " + sha + ", the manifest says "
                    + chosen.imageSha256() + ": nothing extracted");
        }
    }

    /** Rebuilds the image from the complete image and the delta; a full disk and a delta that does not apply say so, naming the file. */
    private static void patch(Path full, ImageManifest.StoredObject deltaObject, Path delta, Path tar) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(delta), 1 << 16);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16)) {
            DeltaPatcher.apply(full, in, out);
        } catch (MalformedDeltaException e) {
            throw new IOException(deltaObject.key() + " does not apply to its complete image: " + e.getMessage()
                    + "; restore another backup with --id ID or --at TIME", e);
        } catch (IOException e) {
            if (DiskFull.is(e, tar)) {
                throw new IOException("the disk is full: cannot write " + tar + " (" + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    /** The backup's secret archive, downloaded and checked against its manifest SHA-256. */
    private Path downloadSecrets(ImageManifest chosen, Path encrypted) throws IOException {
        ImageManifest.StoredObject secret = chosen.object("secret");
        if (secret == null) {
            throw new IOException("backup " + chosen.id() + " has no secret archive (no key was in offsite.image.keys-dir then)");
        }
        download(secret, encrypted, false);
        return encrypted;
    }

    /**
     * Downloads an object to a file, checking the stored bytes' SHA-256, decompressing zstd objects on the way. The
     * stored bytes stop at the manifest's size and the decompressed ones at its contentSize (where the manifest keeps
     * one): past either the object is damaged, told before it can fill the disk. Any other failure writing or
     * decompressing is judged after the whole object is read: damaged bytes are told by their SHA-256, even those
     * that filled the disk as they expanded.
     */
    private void download(ImageManifest.StoredObject object, Path to, boolean decompress) throws IOException {
        if (object == null) {
            throw new IOException("the manifest lists no object for this part of the backup");
        }
        MessageDigest sha = Sha256.digest();
        RunProgress.Stream stream = progress.start(object.key(), object.size());
        boolean zstd = decompress && "zstd".equals(object.compression());
        long contentSize = zstd && object.contentSize() != null ? object.contentSize() : Long.MAX_VALUE;
        IOException unreadable = null;
        IOException full = null;
        IOException exceeded = null;
        InputStream stored;
        try {
            stored = s3.get(object.key(), 0);
        } catch (StoreException e) {
            if (e.status() == 404) { // the service's bare NoSuchKey would name no object
                throw damaged(object, null);
            }
            throw e;
        }
        try (InputStream raw = new DigestInputStream(new CountingInput(DeclaredSize.stored(stored, object.size()),
                n -> progress.add(stream, n)), sha)) {
            InputStream shielded = CloseShieldInputStream.wrap(raw); // raw is drained after
            try (InputStream in = zstd ? new ZstdInputStream(new BufferedInputStream(shielded, 1 << 16)) : shielded;
                    OutputStream out = DeclaredSize.content(new BufferedOutputStream(Files.newOutputStream(to), 1 << 16), contentSize)) {
                in.transferTo(out);
            } catch (DeclaredSize.Exceeded e) {
                exceeded = e;
            } catch (IOException e) {
                if (DiskFull.is(e, to)) { // a write that failed, not bytes that did not decompress
                    full = new IOException("the disk is full: cannot write " + to + " (" + e.getMessage() + ")", e);
                    Files.deleteIfExists(to); // its room back at once
                } else {
                    unreadable = e;
                }
            }
            if (exceeded == null) {
                try {
                    raw.transferTo(OutputStream.nullOutputStream()); // the digest covers every stored byte
                } catch (DeclaredSize.Exceeded e) {
                    exceeded = e;
                }
            }
        }
        progress.finish(stream);
        if (exceeded != null) {
            Files.deleteIfExists(to);
            throw damaged(object, exceeded.getMessage() + "; stopped there, nothing of it kept");
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(object.sha256())) {
            Files.deleteIfExists(to);
            throw damaged(object, "its SHA-256 is " + actual + ", the manifest says " + object.sha256());
        }
        if (full != null) {
            throw full;
        }
        if (unreadable != null) {
            Files.deleteIfExists(to);
            throw new IOException("cannot decompress " + object.key() + ": " + unreadable.getMessage());
        }
    }

    /** A damaged object (why null: a missing one), and what the user can restore instead: every diff on a damaged complete image is lost with it. */
    private static IOException damaged(ImageManifest.StoredObject object, String why) {
        String instead = object.role().equals("full") ? "a backup on another complete image" : "another backup";
        return new DamagedObject(object, object.key() + (why == null ? " is not in the bucket, though the manifest lists it" : " is damaged: "
                + why) + "; restore " + instead + " with --id ID or --at TIME");
    }

    /** A stored object missing, or not the bytes its manifest says: the object named, for what a check does about it. */
    public static final class DamagedObject extends IOException {

        private final transient ImageManifest.StoredObject object;

        DamagedObject(ImageManifest.StoredObject object, String message) {
            super(message);
            this.object = object;
        }

        public ImageManifest.StoredObject object() {
            return object;
        }
    }

    /** Counts the bytes read through it. */
    private static final class CountingInput extends FilterInputStream {
        private final LongConsumer counted;

        CountingInput(InputStream in, LongConsumer counted) {
            super(in);
            this.counted = counted;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted.accept(n);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted.accept(1);
            }
            return b;
        }
    }
}
