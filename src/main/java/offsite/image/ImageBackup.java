package offsite.image;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import offsite.delta.Signature;
import offsite.delta.SignatureParameters;
import offsite.files.DiskFull;
import offsite.files.FileTree;
import offsite.files.LockFile;
import offsite.files.Sha256;
import offsite.report.ImageReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.report.SyncReport.Problem;
import offsite.retention.Backup;
import offsite.retention.RetentionPolicy;
import offsite.store.Bucket;
import offsite.store.RemoteObject;
import offsite.store.S3Errors;
import offsite.store.StoreException;
import offsite.sync.DamagedObjects;
import offsite.sync.PrintableName;
import offsite.sync.RunProgress;
import offsite.sync.RunUnderWay;
import offsite.sync.StoppedStore;
import org.apache.commons.io.input.ProxyInputStream;
import org.apache.commons.io.output.ProxyOutputStream;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of an image backup as routes/image.yaml calls them, each taking the backup (an {@link ImagePass}, the
 * message body) and returning it: begin, the bucket, prepare (the tree read, full or delta, compressed, the secret tar
 * written), the encrypted secret archive taken in, the manifest written after every other object, the listing and
 * retention over this host's backups, the report. Holds only what outlives a backup: the manifests read from the
 * bucket (a cache) and which backups run now. Local state advances only once the manifest is stored.
 */
public final class ImageBackup {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBackup.class);
    private final ImageSettings settings;
    private final ImageTree tree;
    private final Path stateDir;
    /** The kept backups found unrestorable before: each a WARN once (DATA/image/unrestorable.txt). */
    private final SaidOnce unrestorable;
    /** The signing key's expiry said before: a WARN a month before it and one when it has come (DATA/image/signing-key.txt). */
    private final SaidOnce keyExpiry;
    /** Complete images a restore test found damaged (DATA/image/damaged.json): no diff is made on one. */
    private final DamagedObjects damaged;
    private final Clock clock;
    private final ZoneId zone;
    private final Bucket bucket;
    private final ReportStore reports;
    private final StoppedStore stoppedStore;
    /** offsite.image.signing-key, unlocked at start; null: manifests are stored unsigned. */
    private final SigningKey signingKey;
    private final Map<String, ImageManifest> manifests = new ConcurrentHashMap<>();
    /** Manifest keys that could not be read or parsed, with why: a restore names those newer than the backup it takes. */
    private final Map<String, String> unreadable = new ConcurrentHashMap<>();
    private final Set<ImagePass> running = ConcurrentHashMap.newKeySet();

    /** stoppedStore: the one the sync pass asks, over the same S3 client's requests. signingKey: null for unsigned manifests. */
    public ImageBackup(ImageSettings settings, ImageTree tree, Path stateDir, Clock clock, ZoneId zone, Bucket bucket,
            ReportStore reports, StoppedStore stoppedStore, SigningKey signingKey) {
        this.stoppedStore = stoppedStore;
        this.signingKey = signingKey;
        this.settings = settings;
        this.tree = tree;
        this.stateDir = stateDir;
        this.unrestorable = new SaidOnce(stateDir.resolve("unrestorable.txt"));
        this.keyExpiry = new SaidOnce(stateDir.resolve("signing-key.txt"));
        this.damaged = new DamagedObjects(stateDir.resolve("damaged.json"));
        this.clock = clock;
        this.zone = zone;
        this.bucket = bucket;
        this.reports = reports;
    }

    /** A new backup for this request (a bare trigger is the schedule's); never throws. */
    public ImagePass begin(ImageRequest asked) {
        ImageRequest request = asked == null ? ImageRequest.scheduled() : asked;
        Instant now = clock.instant();
        ImagePass pass = new ImagePass(request, now, BackupId.of(now), stateDir.resolve("work").resolve(BackupId.of(now)));
        running.add(pass);
        return pass;
    }

    /** The bucket exists and opens (created when offsite.s3.create-bucket allows), or the backup fails saying why. */
    public ImagePass checkBucket(ImagePass pass) {
        String problem = bucket.problem();
        if (problem != null) {
            pass.fail(problem);
        }
        return pass;
    }

    /** Builds the image and decides its kind; the objects to upload are then in the backup's uploads(). */
    public ImagePass prepare(ImagePass r) throws IOException {
        Instant now = r.started();
        Files.createDirectories(stateDir);
        // the state read here (state.json, complete.sig, complete.idx) is the state this backup writes at its end
        r.stateLock = LockFile.tryTake(stateDir.resolve("image.lock"));
        if (r.stateLock == null) {
            throw new IOException("another image backup is running with this offsite.data.dir (" + stateDir + " is locked: the schedule"
                    + " of `offsite run`, or an `offsite image` command): this one is not taken; the next one runs after it");
        }
        WorkFolders.create(r.work());
        try {
            for (Path left : WorkFolders.removeLeft(r.work().getParent(), r.work())) {
                LOG.warn("removed {}: the work folder of an image backup that did not finish (stopped or killed)", left);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the work folders of image backups that did not finish under {}: {}", r.work().getParent(), e.getMessage());
        }
        ImageState state = ImageState.load(stateDir.resolve("state.json"));
        Path signature = stateDir.resolve("complete.sig");
        boolean haveComplete = state != null && Files.exists(signature);
        if (haveComplete && !state.signs(signature)) {
            haveComplete = false;
            r.note(signature + " is not the signature of complete image " + state.completeId() + " (a backup stopped while it stored"
                    + " its state): a complete image is made");
        }
        CompleteImageRule.Decision decision = settings.rule().before(haveComplete, r.request().full(),
                haveComplete ? Instant.parse(state.completeCreated()) : now, now);
        String gone = decision.full() ? null : completeImageProblem(state.completeId());
        DamagedObjects.Found rotten = decision.full() || gone != null ? null
                : damaged.all().get(settings.prefix() + state.completeId() + "/full.tar.zst");
        if (gone != null || rotten != null) {
            // local state alone would make a diff that no restore can use, and report it OK
            r.warn("complete image " + state.completeId() + " cannot be the base of a diff: " + (gone != null ? gone : "a restore test found"
                    + " it damaged at " + rotten.at() + " (" + rotten.what() + ")") + "; this backup is a complete image instead of a diff"
                    + " that could not be restored");
            decision = new CompleteImageRule.Decision(true, "the complete image " + state.completeId() + (gone != null
                    ? " is not in the bucket as this host's" : " was found damaged"));
        }
        String reading = "";
        if (!decision.full()) {
            Path delta = r.work().resolve("delta");
            ImageDelta.Result d = delta(r, state, signature, delta);
            r.deltaBytes = Files.size(delta);
            decision = settings.rule().after(r.deltaBytes, state.completeSize(), state.deltasSent());
            if (!decision.full()) {
                r.type = "diff";
                r.base = state.completeId();
                r.imageBytes = d.imageBytes();
                r.imageSha256 = d.imageSha256();
                r.scrubbedFiles = d.counts().secrets();
                r.unreadableSecrets = d.counts().unreadableSecrets();
                warnOfSecrets(r, d.counts());
                noteChanged(r, d.counts());
                warnOfUnreadable(r, d.counts());
                r.uploadList().add(compressed(r, delta, r.work().resolve("delta.zst"), settings.prefix() + r.id() + "/delta.zst", "delta"));
                boolean fullRead = d.copiedEntries() == 0;
                r.nextState = state.afterDelta(fullRead);
                reading = "; " + d.copiedEntries() + " of " + (d.copiedEntries() + d.matchedEntries()) + " entries ("
                        + String.format("%,d", d.copiedBytes()) + " bytes) copied from the complete image, the other "
                        + String.format("%,d", d.matchedBytes()) + " bytes matched against its signature" + r.fullReadReason;
            }
            Files.deleteIfExists(delta);
        }
        r.decision = decision.reason() + reading;
        if (decision.full()) {
            complete(r, now, state);
        }
        secrets(r);
        return r;
    }

    /** Why this host's complete image id cannot be the base of a diff, read from its manifest in the bucket; null when it can. */
    private String completeImageProblem(String id) throws IOException {
        String key = settings.prefix() + id + "/manifest.json";
        ImageManifest found;
        try (InputStream in = bucket.get(key, 0)) {
            found = ImageManifest.parse(in.readAllBytes(), key);
        } catch (StoreException e) {
            if (e.status() != 404) {
                throw e;
            }
            found = null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return CompleteImageInBucket.problem(key, found, settings.host());
    }

    /**
     * The delta against the complete image. Entries the index shows unchanged are copied; every entry is matched
     * instead (a full read) every offsite.image.full-read-every cycles, when the secret globs or scrub rules changed
     * since the complete image, and when there is no usable index.
     */
    private ImageDelta.Result delta(ImagePass r, ImageState state, Path signature, Path delta) throws IOException {
        Path indexFile = stateDir.resolve("complete.idx");
        ImageIndex.Reader index = null;
        try {
            index = ImageIndex.Reader.open(indexFile);
            if (index == null) {
                r.fullReadReason = "; every entry matched: the complete image has no index (made before this version; image --full makes one)";
            } else if (!index.completeId().equals(state.completeId())) {
                r.fullReadReason = "; every entry matched: the index is of complete image " + index.completeId() + ", not of " + state.completeId();
            } else if (!index.fingerprint().equals(tree.fingerprint())) {
                r.fullReadReason = "; every entry matched: offsite.image.secrets or offsite.image.scrub-rules changed since the complete image";
            } else if (state.diffsSinceFullRead() + 1 >= settings.fullReadEvery()) {
                r.fullReadReason = "; every entry matched, as every " + settings.fullReadEvery() + " cycles (offsite.image.full-read-every)";
            }
            if (!r.fullReadReason.isEmpty() && index != null) {
                index.close();
                index = null;
            }
            return deltaPass(r, state, signature, delta, index);
        } catch (ImageIndex.Damaged e) {
            LOG.warn("{}: this cycle matches every entry; the next complete image writes a new index", e.getMessage());
            r.warn(e.getMessage() + ": this cycle matched every entry; the next complete image writes a new index");
            r.fullReadReason = "; every entry matched: the index of the complete image is damaged";
            return deltaPass(r, state, signature, delta, null);
        } finally {
            if (index != null) {
                index.close();
            }
        }
    }

    private ImageDelta.Result deltaPass(ImagePass r, ImageState state, Path signature, Path delta, ImageIndex.Reader index)
            throws IOException {
        RunProgress reading = r.step("reading the tree", state.completeSize()); // the complete image's size, a fair guess
        try (InputStream sig = new BufferedInputStream(Files.newInputStream(signature));
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(delta), 1 << 16)) {
            return ImageDelta.write(tree, Signature.read(sig), index, out, reading::add);
        }
    }

    /** A complete image: the tar on disk to compress, its signature, and its index for the deltas after it. */
    private void complete(ImagePass r, Instant now, ImageState state) throws IOException {
        Path tar = r.work().resolve("image.tar");
        MessageDigest sha = Sha256.digest();
        RunProgress reading = r.step("reading the tree", state == null ? 0 : state.completeSize()); // the last complete image's size, a fair guess
        r.nextIndex = r.work().resolve("complete.idx");
        try (ImageIndex.Writer index = new ImageIndex.Writer(r.nextIndex, r.id(), tree.fingerprint());
                OutputStream out = counted(new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16), sha), reading)) {
            ImageTree.Counts counts = tree.writeBase(out, index);
            r.scrubbedFiles = counts.secrets();
            r.unreadableSecrets = counts.unreadableSecrets();
            warnOfSecrets(r, counts);
            noteChanged(r, counts);
            warnOfUnreadable(r, counts);
        }
        r.imageBytes = Files.size(tar);
        r.imageSha256 = HexFormat.of().formatHex(sha.digest());
        r.type = "full";
        r.base = null;
        r.uploadList().add(compressed(r, tar, r.work().resolve("full.tar.zst"), settings.prefix() + r.id() + "/full.tar.zst", "full"));
        r.nextSignature = r.work().resolve("complete.sig");
        try (InputStream in = counted(new BufferedInputStream(Files.newInputStream(tar), 1 << 16), r.step("signing the complete image", r.imageBytes));
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(r.nextSignature))) {
            Signature.write(in, SignatureParameters.rdiffDefaults(r.imageBytes), out);
        }
        r.nextState = new ImageState(r.id(), r.imageBytes, now.toString(), 0, 0, Sha256.of(r.nextSignature));
        Files.delete(tar);
    }

    /** The most files a note of files changed while read names; the count says how many there were. */
    static final int CHANGED_NAMED = 5;

    /**
     * Files that changed or vanished while the image read them (a log written to, a file removed): each is in the image
     * as read, padded to the size its header says, or left out when gone. Noted, not warned of: a live machine always
     * has some, and the next backup reads them again.
     */
    private static void noteChanged(ImagePass r, ImageTree.Counts counts) {
        String note = changedNote(counts.changed());
        if (note != null) {
            r.note(note);
        }
    }

    /** The note naming the entries (tar names) that changed or vanished while read; null when none did. */
    static String changedNote(List<String> changed) {
        return changed.isEmpty() ? null : changed.size() + " file(s) changed or vanished while the image was read (" + changed.stream()
                .limit(CHANGED_NAMED).map(n -> "/" + PrintableName.of(n)).collect(Collectors.joining(", "))
                + (changed.size() > CHANGED_NAMED ? ", ..." : "") + "): each is in it as read, or left out when gone; the next backup reads"
                + " them again";
    }

    /** What this process may not read is missing from the image every time, not once: warned of, by name. */
    private static void warnOfUnreadable(ImagePass r, ImageTree.Counts counts) {
        String note = unreadableNote(counts.unreadable());
        if (note != null) {
            LOG.warn("{}", note);
            r.warn(note);
        }
    }

    /** The warning naming the entries (tar names) that could not be read; null when every one could. */
    static String unreadableNote(List<String> unreadable) {
        return unreadable.isEmpty() ? null : unreadable.size() + " file(s) or folder(s) could not be read (permission denied) and are not in"
                + " the image (a folder: what is under it): " + unreadable.stream().limit(CHANGED_NAMED).map(n -> "/" + PrintableName.of(n))
                .collect(Collectors.joining(", ")) + (unreadable.size() > CHANGED_NAMED ? ", ..." : "")
                + " (expected offsite.image.roots readable by this process: run it as root, or exclude them in offsite.image.excludes)";
    }

    private static void warnOfSecrets(ImagePass r, ImageTree.Counts base) {
        for (String name : base.wholesale()) {
            r.warn("secret file /" + name + " is in no format a scrub rule knows: replaced wholesale in the base (\"x\" per line)");
        }
        for (ImageTree.SecretLink l : base.unheldLinks()) {
            r.warn("secret symlink " + l.link() + " leads to " + l.target() + ", which is not in the image (outside offsite.image.roots,"
                    + " excluded or missing): only the link is in the base, and the secret archive does not hold its target");
        }
        for (String glob : base.unmatchedSecrets()) {
            r.warn("offsite.image.secrets: '" + glob + "' matches no file in the image (expected a glob on the absolute paths of"
                    + " files under offsite.image.roots, not excluded; a folder makes every file under it secret): nothing is secret by it");
        }
        for (String glob : base.secretsSearchedInPart()) {
            r.warn("offsite.image.secrets: '" + glob + "': its files outside the image were looked for among the first "
                    + SecretsOutsideTree.LIMIT + " entries only, so a hard link in the image to one further on is stored as it is"
                    + " (expected a glob whose folders before the first wildcard hold fewer files, such as /etc/ssl/private/*.key)");
        }
    }

    /** The backup that runs now, for the stall watch: its step's bytes and label; null when none runs. */
    public RunUnderWay underWay() {
        ImagePass pass = running.stream().findFirst().orElse(null);
        if (pass == null) {
            return null;
        }
        RunProgress step = pass.progress();
        return new RunUnderWay(pass, pass.started(), step == null ? 0 : step.sent(), step == null ? "starting"
                : step.label() == null ? "working" : step.label() + (step.inFlight().isEmpty() ? "" : ": " + RunUnderWay.sending(step)));
    }

    /** The current step of the backup that runs now, for the terminal and the status page; null when none runs. */
    public RunProgress progress() {
        return running.stream().map(ImagePass::progress).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private static OutputStream counted(OutputStream out, RunProgress step) {
        return new ProxyOutputStream(out) {
            @Override
            protected void afterWrite(int n) {
                step.add(n);
            }
        };
    }

    private static InputStream counted(InputStream in, RunProgress step) {
        return new ProxyInputStream(in) {
            @Override
            protected void afterRead(int n) {
                if (n > 0) {
                    step.add(n);
                }
            }
        };
    }

    /** Writes the secret files' tar for the route to encrypt; none without secrets, a warning without keys. */
    private void secrets(ImagePass r) throws IOException {
        if (!tree.hasSecrets()) {
            return;
        }
        Path keysDir = settings.keysDir();
        if (Files.exists(keysDir) && !(Files.isDirectory(keysDir) && Files.isReadable(keysDir))) {
            // a misconfiguration, not "no key yet": stop rather than send secrets nowhere
            throw new IOException("offsite.image.keys-dir: " + keysDir + " is not a readable directory (expected the folder of the"
                    + " recipients' OpenPGP public keys)");
        }
        List<PGPPublicKey> keys = Files.isDirectory(keysDir) ? SecretKeys.load(keysDir) : List.of();
        if (keys.isEmpty()) {
            r.warn(SecretKeys.noRecipients(settings.keysDir()));
            r.secretFiles = r.scrubbedFiles; // the report counts them, though no archive holds their originals
            return;
        }
        r.secretTar = r.work().resolve("secret.tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(r.secretTar))) {
            r.secretFiles = tree.writeSecrets(out).secrets();
        }
    }

    /**
     * The encrypted secret archive from the route's content enricher (its camel-crypto-pgp step), taken into the backup:
     * stored beside the other objects, the plain tar removed.
     */
    public ImagePass secretEncrypted(ImagePass r, InputStream encrypted) throws IOException {
        Path file = r.work().resolve("secret.tar.gpg");
        MessageDigest sha = Sha256.digest();
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), sha)) {
            encrypted.transferTo(out);
        }
        Files.delete(r.secretTar);
        r.secretTar = null;
        long size = Files.size(file);
        r.uploadList().add(new ObjectUpload(settings.prefix() + r.id() + "/secret.tar.gpg", file, "secret", "none", size,
                HexFormat.of().formatHex(sha.digest()), null, bytes -> uploaded(r, bytes), () -> r.stored(size)));
        return r;
    }

    private ObjectUpload compressed(ImagePass r, Path from, Path to, String key, String role) throws IOException {
        MessageDigest sha = Sha256.digest();
        try (InputStream in = counted(Files.newInputStream(from), r.step("compressing", Files.size(from)));
                OutputStream out = new ZstdOutputStream(new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(to), 1 << 16), sha),
                        settings.zstdLevel())) {
            in.transferTo(out);
        }
        long size = Files.size(to);
        return new ObjectUpload(key, to, role, "zstd", size, HexFormat.of().formatHex(sha.digest()), Files.size(from),
                bytes -> uploaded(r, bytes), () -> r.stored(size));
    }

    /**
     * The upload step begins: its progress counts the objects' bytes. First the backup's folder is claimed (see
     * {@link FolderClaim}): when it holds objects, or another host sharing the prefix claims it at the same time, the
     * backup takes the next free millisecond as its id, so neither overwrites the other.
     */
    public ImagePass uploading(ImagePass r) throws IOException {
        String free = BackupId.firstFree(r.id(), id -> !FolderClaim.claim(bucket, settings.prefix() + id + "/", settings.host()));
        if (!free.equals(r.id())) {
            LOG.debug("{}{}/ already holds objects (another host's backup of the same millisecond): this backup is {}",
                    settings.prefix(), r.id(), free);
            renamed(r, free);
        }
        r.claim = FolderClaim.key(settings.prefix() + free + "/", settings.host());
        r.step("uploading", r.uploads().stream().mapToLong(ObjectUpload::size).sum());
        return r;
    }

    /** The backup's objects, and the state and index of a complete image, under the new id. */
    private void renamed(ImagePass r, String id) throws IOException {
        String from = settings.prefix() + r.id() + "/";
        String to = settings.prefix() + id + "/";
        r.uploadList().replaceAll(u -> !u.key().startsWith(from) ? u : new ObjectUpload(to + u.key().substring(from.length()), u.file(),
                u.role(), u.compression(), u.size(), u.sha256(), u.contentSize(), u.sent(), u.stored()));
        ImageState s = r.nextState;
        if (s != null && s.completeId().equals(r.id())) {
            r.nextState = new ImageState(id, s.completeSize(), s.completeCreated(), s.deltasSent(), s.diffsSinceFullRead(), s.signatureSha256());
        }
        if (r.nextIndex != null) {
            ImageIndex.renamed(r.nextIndex, id);
        }
        r.renamed(id);
    }

    /** What is skipped once the S3 server has stopped answering, at each step that asks it. */
    static final String NO_UPLOAD = "no further object was uploaded and no manifest stored: this backup is incomplete and never"
            + " used; retention was skipped, nothing in the bucket was deleted";
    static final String NO_RETENTION = "no more manifests were read and retention was skipped: nothing in the bucket was deleted; the"
            + " next backup applies it";
    static final String NO_MORE = "nothing more was asked of it (no retention): the next backup tries again";

    /**
     * Whether the S3 server has stopped answering (StoppedStore): every later request would wait out all its attempts
     * (against a hung server ten minutes each) and fail the same way. Said once in the backup's note, with what is skipped.
     */
    private boolean stopped(ImagePass r, String skipped) {
        String reason = stoppedStore.reason();
        if (reason == null) {
            return false;
        }
        if (!r.storeStopped()) {
            LOG.warn("{}; {}", reason, skipped);
        }
        r.storeStopped(reason, skipped);
        return true;
    }

    /**
     * The data objects to put, read one by one: once the S3 server has stopped answering, no further one is handed out
     * (nor is the manifest written after them).
     */
    public Iterator<ObjectUpload> uploads(ImagePass r) {
        return whileAnswered(r, r.uploads().iterator(), NO_UPLOAD);
    }

    /** The items of all, handed out while the backup proceeds and the S3 server answers. */
    private <T> Iterator<T> whileAnswered(ImagePass r, Iterator<T> all, String skipped) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return all.hasNext() && r.proceeding() && !stopped(r, skipped);
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return all.next();
            }
        };
    }

    /** The image-put route stored the object and checked it: the report counts it as uploaded. */
    public void stored(ObjectUpload upload) {
        upload.stored().run();
    }

    private static void uploaded(ImagePass r, long bytes) {
        RunProgress step = r.progress();
        if (step != null) {
            step.add(bytes);
        }
    }

    /**
     * Writes the manifest, to be put after every other object: the backup exists from the moment it is stored. With
     * offsite.image.signing-key, its detached signature manifest.json.asc goes up just before it.
     */
    public ImagePass manifest(ImagePass r) throws IOException {
        if (!r.proceeding() || stopped(r, NO_UPLOAD)) {
            return r; // an object was not uploaded: no manifest, the backup is never used
        }
        List<ImageManifest.StoredObject> objects = r.uploads().stream()
                .map(u -> new ImageManifest.StoredObject(u.key(), u.role(), u.compression(), u.size(), u.sha256(), u.contentSize())).toList();
        ImageManifest manifest = new ImageManifest(r.id(), r.started().toString(), r.type, r.base, r.imageSha256, settings.host(), objects,
                r.scrubbedFiles, r.unreadableSecrets == 0 ? null : r.unreadableSecrets);
        Path file = r.work().resolve("manifest.json");
        byte[] json = manifest.toJson();
        Files.write(file, json);
        manifests.put(r.id(), manifest);
        if (signingKey != null) {
            SigningKey.Expiry expiry = signingKey.expiry(clock.instant());
            sayOnce(r, keyExpiry, expiry == null ? Map.of() : Map.of(expiry.id(), expiry.line()));
            // over the exact bytes put, and put before them: a stored manifest always has its signature beside it
            Path signature = r.work().resolve("manifest.json.asc");
            Files.write(signature, signingKey.sign(json));
            r.signatureUpload = new ObjectUpload(settings.prefix() + r.id() + "/manifest.json.asc", signature, "signature", "none",
                    Files.size(signature), "", null, bytes -> { }, () -> { });
        }
        // a few hundred bytes after the planned objects: not counted, so the upload step ends at its planned total
        r.manifestUpload = new ObjectUpload(settings.prefix() + r.id() + "/manifest.json", file, "manifest", "none", Files.size(file), "",
                null, bytes -> { }, () -> { });
        return r;
    }

    /** The manifest is stored: the new complete image's signature and the counters become the local state. */
    public ImagePass manifestStored(ImagePass r) throws IOException {
        if (r.manifestUpload == null || !r.proceeding()) {
            return r; // no manifest was put
        }
        r.manifestStored = true;
        if (r.nextSignature != null) {
            // the index names its complete image: one left beside an older state.json by a crash here is not used
            Files.move(r.nextIndex, stateDir.resolve("complete.idx"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(r.nextSignature, stateDir.resolve("complete.sig"), StandardCopyOption.REPLACE_EXISTING);
        }
        r.nextState.save(stateDir.resolve("state.json"));
        LOG.info("image backup {} ({}) stored", r.id(), r.type);
        unclaim(r); // the folder's objects hold it now
        return r;
    }

    /**
     * Lists the image prefix and reads the manifests this process has not read yet (after a restart it knows none);
     * one that does not parse or cannot be read is named in a WARN and left out of retention: never used, never deleted.
     * The manifests known are those listed: another host's retention deletes backups this process read before. Once the
     * S3 server has stopped answering, no more are read and the backup FAILED: retention must not go by some of them.
     */
    public ImagePass listBackups(ImagePass r) {
        if (!r.proceeding()) {
            return r;
        }
        r.listing = bucket.list(settings.prefix());
        try { // a complete image retention deleted is no base to guard against any more
            damaged.keepOnly(r.listing.stream().map(RemoteObject::key).collect(Collectors.toSet()));
        } catch (IOException e) {
            LOG.warn("{}: {}", stateDir.resolve("damaged.json"), e.getMessage());
        }
        Set<String> listed = new HashSet<>();
        Map<String, String> unanswered = new LinkedHashMap<>(); // read failures by key: errors once the store has stopped
        for (RemoteObject o : r.listing) {
            if (!o.key().endsWith("/manifest.json")) {
                continue;
            }
            listed.add(idOf(o.key()));
            if (!manifests.containsKey(idOf(o.key()))) {
                if (stopped(r, NO_RETENTION)) {
                    unanswered.forEach(r::fail);
                    return r; // each read would wait out its attempts; retention must not go by the manifests read so far
                }
                try (InputStream in = bucket.get(o.key(), 0)) {
                    ImageManifest m = ImageManifest.parse(in.readAllBytes(), o.key());
                    manifests.put(m.id(), m);
                } catch (StoreException e) {
                    if (e.status() == 404) { // deleted since the listing (another host's retention): gone, nothing to keep
                        listed.remove(idOf(o.key()));
                    } else if (S3Errors.unanswered(e) != null) {
                        unanswered.put(o.key(), e.getMessage());
                    } else {
                        ignored(r, o.key() + ": " + e.getMessage());
                    }
                } catch (IOException | IllegalArgumentException e) {
                    ignored(r, e.getMessage());
                }
            }
        }
        if (!unanswered.isEmpty() && stopped(r, NO_RETENTION)) {
            unanswered.forEach(r::fail);
            return r;
        }
        unanswered.forEach((key, why) -> ignored(r, key + ": " + why));
        manifests.keySet().retainAll(listed);
        return r;
    }

    private static void ignored(ImagePass r, String why) {
        LOG.warn("{}: that backup is ignored (never used, never deleted)", why);
        r.warn(why + ": that backup is ignored (never used, never deleted)");
    }

    /**
     * Applies retention to this host's backups (offsite.image.host): another host's backups in the same prefix are
     * never deleted, nor are those made before backups named their host. Returns the keys to delete, each backup's
     * manifest first, read one by one: once the S3 server has stopped answering, no further one is handed out. None once
     * the backup has failed.
     */
    public Iterator<RetiredKey> retentionDeletes(ImagePass r) {
        if (!r.proceeding()) {
            return Collections.emptyIterator();
        }
        Iterator<String> keys = retentionKeys(r).iterator();
        return whileAnswered(r, new Iterator<>() {
            @Override
            public boolean hasNext() {
                return keys.hasNext();
            }

            @Override
            public RetiredKey next() {
                String key = keys.next();
                return new RetiredKey(key, () -> deleted(r, key));
            }
        }, NO_MORE);
    }

    /** The delete step's end: the key is no longer in the bucket. */
    public void retired(RetiredKey key) {
        key.deleted().run();
    }

    /**
     * A key retention deleted: a backup's manifest, deleted first, makes it gone from then on. Never on a key only handed
     * out: after a failed delete the split still drains the iterator (MulticastProcessor.doDone) without deleting.
     */
    private static void deleted(ImagePass r, String key) {
        if (key.endsWith("/manifest.json")) {
            String id = idOf(key);
            r.deletedIds().add(id);
            LOG.info("retention deleted image backup {} ({})", id, r.retiring.get(id));
        }
    }

    private List<String> retentionKeys(ImagePass r) {
        Map<String, List<String>> objectsById = new HashMap<>();
        for (RemoteObject o : r.listing) {
            objectsById.computeIfAbsent(idOf(o.key()), k -> new ArrayList<>()).add(o.key());
        }
        List<ImageManifest> listed = manifests.values().stream().filter(m -> objectsById.containsKey(m.id()) || m.id().equals(r.id())).toList();
        HostRetention retention = HostRetention.of(listed, settings.host(), settings.keep(), r.started(), zone);
        List<Backup> ours = retention.ours();
        long unnamed = listed.stream().filter(m -> m.host() == null).count();
        if (unnamed > 0) {
            r.note(unnamed + " backup(s) under " + settings.prefix() + " name no host (made before offsite.image.host): retention keeps"
                    + " them; delete them by hand when they are no longer wanted");
        }
        if (retention.skipped()) {
            Backup newest = retention.newest();
            String why = "retention skipped: backup " + newest.id() + " was made at " + newest.created() + ", after this one ("
                    + r.started() + "); the host's clock went back. Nothing is deleted until the clock is past " + newest.created();
            LOG.warn("{}", why);
            r.warn(why);
            r.kept = ours.size();
            return List.of();
        }
        RetentionPolicy.Plan plan = retention.plan();
        r.kept = plan.kept().size();
        Set<String> unnamedComplete = listed.stream().filter(m -> m.host() == null && m.full()).map(ImageManifest::id).collect(Collectors.toSet());
        Map<String, String> unrestorable = new LinkedHashMap<>(); // id to what the report says of it
        for (Backup b : ours) {
            String why = plan.unrestorable().get(b.id());
            if (why != null && !unnamedComplete.contains(b.base())) { // a complete image made before hosts were named still restores
                unrestorable.put(b.id(), "diff " + b.id() + " cannot be restored: " + why + "; retention keeps it: delete " + settings.prefix()
                        + b.id() + "/ by hand once it is no longer wanted");
            }
        }
        unrestorable.putAll(missingObjects(r, listed, ours, plan));
        sayOnce(r, this.unrestorable, unrestorable);
        List<String> keys = new ArrayList<>();
        for (Backup b : plan.deleted()) {
            String manifestKey = settings.prefix() + b.id() + "/manifest.json";
            keys.add(manifestKey);
            objectsById.getOrDefault(b.id(), List.of()).stream().filter(k -> !k.equals(manifestKey)).sorted().forEach(keys::add);
            manifests.remove(b.id());
            r.retiring.put(b.id(), b.full() ? "complete image" : "diff");
        }
        return keys;
    }

    /**
     * Each backup of this host that retention keeps and the listing shows could not be restored, with what the report says
     * of it: an object its manifest lists gone or of another size (a lifecycle rule, a hand, the service), here or in its
     * complete image. The listing costs nothing more; this backup's own objects are not in it yet, and a diff whose base
     * has no manifest is the plan's to name.
     */
    private Map<String, String> missingObjects(ImagePass r, List<ImageManifest> listed, List<Backup> ours, RetentionPolicy.Plan plan) {
        Set<String> kept = ours.stream().map(Backup::id).collect(Collectors.toSet());
        plan.deleted().forEach(b -> kept.remove(b.id()));
        kept.removeAll(plan.unrestorable().keySet());
        kept.remove(r.id());
        Map<String, Long> sizes = r.listing.stream().collect(Collectors.toMap(RemoteObject::key, RemoteObject::size, (a, b) -> a));
        Map<String, String> found = new LinkedHashMap<>();
        for (ImageCheck.Verdict v : ImageCheck.of(listed.stream().filter(m -> kept.contains(m.id())).toList(), listed, sizes)) {
            if (!v.restorable()) {
                found.put(v.backup().id(), "backup " + v.backup().id() + " (" + v.kind() + ") cannot be restored: " + String.join("; ",
                        v.problems()) + "; retention keeps it: delete " + settings.prefix() + v.backup().id() + "/ by hand once it is no"
                        + " longer wanted (bin/offsite verify-image checks them all)");
            }
        }
        return found;
    }

    /** A WARN for each line found that the backup before did not say (SaidOnce), a note for the others. */
    private void sayOnce(ImagePass r, SaidOnce kept, Map<String, String> found) {
        SaidOnce.Said said;
        try {
            said = kept.said(found);
        } catch (IOException e) {
            LOG.warn("cannot keep what this backup says under {}: {}", stateDir, e.getMessage());
            said = new SaidOnce.Said(found, Map.of()); // each a WARN, as before it was kept
        }
        said.news().values().forEach(line -> {
            LOG.warn("{}", line);
            r.warn(line);
        });
        said.known().values().forEach(line -> {
            LOG.info("still: {}", line);
            r.note("still, as the backup before said: " + line);
        });
    }

    /** Records what stopped this backup (the route's catch); the report says it. */
    public void fail(Exception e, ImagePass r) {
        Throwable said = e; // a bucket's failure says itself; Camel's split wrapper around it ("Multicast processing failed") says nothing
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException) {
                said = t;
                break;
            }
        }
        String cause = said.getMessage() == null ? said.getClass().getSimpleName() : said.getMessage().lines().findFirst().orElse("");
        if (DiskFull.is(e, r.work())) {
            // a write's error names no file; the backup writes only in its work folder
            cause = "no room under offsite.data.dir: the image is built in " + r.work() + " before it is sent (" + cause + ")";
        }
        LOG.error("image backup failed: {}", cause);
        r.fail(cause);
        if (!stopped(r, NO_MORE)) {
            unclaim(r); // a backup that failed leaves no claim of its own: nothing new in the bucket where nothing was stored
        }
    }

    /** Deletes this backup's claim on its folder, if it stands; one left (an empty object) is deleted with the backup by retention. */
    private void unclaim(ImagePass r) {
        if (r.claim == null) {
            return;
        }
        try {
            bucket.delete(r.claim);
            r.claim = null;
        } catch (StoreException e) {
            LOG.debug("the claim {} stays: {}", r.claim, e.getMessage());
        }
    }

    /** The report, saved and handed back to the request; the work folder cleaned. */
    public ImageReport finish(ImagePass r) {
        try {
            try (LockFile state = r.stateLock) { // the work folder removed, then the lock let go (null: none taken)
                FileTree.delete(r.work());
            } catch (IOException e) {
                r.note("could not clean " + r.work() + ": " + e.getMessage());
            }
            RunStatus status = r.status();
            List<Problem> errors = new ArrayList<>(r.errors());
            if (!r.manifestStored && status != RunStatus.FAILED) {
                status = RunStatus.FAILED;
                errors.add(new Problem("image", "the manifest was not stored: the backup is incomplete and will not be used"));
            }
            List<String> notes = List.copyOf(r.notes());
            String reason = status == RunStatus.FAILED ? (r.status() == RunStatus.FAILED ? r.failure() : errors.get(0).cause())
                    : (r.type + " backup " + r.id() + " stored" + (notes.isEmpty() ? "" : "; " + notes.get(0)));
            double ratio = r.nextState == null || r.nextState.completeSize() == 0 ? 0 : (double) r.deltaBytes / r.nextState.completeSize();
            ImageReport report = new ImageReport(status, reason, r.id(), r.type, r.decision, r.started(), clock.instant(), r.imageBytes,
                    r.storedBytes(), ratio, r.secretFiles, List.copyOf(r.deletedIds()), r.kept, notes, errors);
            try {
                reports.save(report);
            } catch (IOException e) {
                LOG.error("cannot write the image report: {}", e.getMessage());
            }
            r.report(report);
            r.request().finished().complete(r);
            return report;
        } finally {
            running.remove(r);
        }
    }

    /** Opens an object of the bucket for reading (the status page's downloads). */
    public interface ObjectSource {
        InputStream open(String key) throws IOException;
    }

    /**
     * The backups in the bucket, newest first: each listed manifest, read from the bucket the first time it is
     * seen (after a restart the process knows none); one that cannot be read or parsed is left out and logged.
     */
    public List<ImageManifest> inBucket(List<RemoteObject> listed, ObjectSource source) {
        Set<String> ids = new HashSet<>();
        for (RemoteObject o : listed) {
            if (!o.key().endsWith("/manifest.json")) {
                continue;
            }
            String id = idOf(o.key());
            ids.add(id);
            if (!manifests.containsKey(id)) {
                try (InputStream in = source.open(o.key())) {
                    ImageManifest m = ImageManifest.parse(in.readAllBytes(), o.key());
                    manifests.put(m.id(), m);
                    unreadable.remove(o.key());
                } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
                    LOG.warn("{}: not shown ({})", o.key(), e.getMessage());
                    unreadable.put(o.key(), String.valueOf(e.getMessage()));
                }
            }
        }
        unreadable.keySet().removeIf(key -> !ids.contains(idOf(key))); // gone from the bucket
        return knownManifests().stream().filter(m -> ids.contains(m.id())).toList();
    }

    /** Every backup in the bucket with a manifest, newest first (the restore's choice). */
    public List<ImageManifest> backupsInBucket() {
        return inBucket(bucket.list(settings.prefix()), key -> bucket.get(key, 0));
    }

    /** Keeps a complete image's object a restore test found damaged: the next backup is a complete image, not a diff on it. */
    public void foundDamaged(String key, DamagedObjects.Found found) throws IOException {
        damaged.found(key, found);
    }

    /** The manifests the last listing held that could not be read or parsed: each key with why. */
    public Map<String, String> unreadableManifests() {
        return Map.copyOf(unreadable);
    }

    /** Every manifest known, newest first. */
    public List<ImageManifest> knownManifests() {
        return manifests.values().stream().sorted(Comparator.comparing(ImageManifest::created).reversed()).toList();
    }

    static String idOf(String key) {
        String[] parts = key.split("/");
        return parts.length >= 2 ? parts[parts.length - 2] : key;
    }
}
