package offsite.image;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import offsite.files.FileTree;
import offsite.files.Sha256;
import offsite.delta.Signature;
import offsite.delta.SignatureParameters;
import offsite.report.ImageReport;
import offsite.report.RunStatus;
import offsite.report.SyncReport.Problem;
import offsite.retention.Backup;
import offsite.retention.RetentionPolicy;
import offsite.store.Listing;
import offsite.store.RemoteObject;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One image backup, step by step as routes/image.yaml calls it: prepare (tar, full-or-delta, compress, encrypt),
 * the uploads, the manifest last, then retention over every manifest under the prefix, and the report.
 * Local state advances only once the manifest is stored.
 */
public final class ImageBackup {

    private static final Logger LOG = LoggerFactory.getLogger(ImageBackup.class);
    // milliseconds: two backups in one second (image twice in a row) must not share a prefix
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final ImageSettings settings;
    private final ImageTree tree;
    private final Path stateDir;
    private final Clock clock;
    private final ZoneId zone;
    private final Map<String, ImageManifest> manifests = new ConcurrentHashMap<>();
    private volatile Run run;
    private volatile offsite.sync.RunProgress progress; // the current step of the backup in progress, null between backups

    /** The backup in progress. */
    private static final class Run {
        final Instant started;
        final String id;
        final Path work;
        final List<ObjectUpload> uploads = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<Problem> errors = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        String type;
        String decision;
        String base;
        long imageBytes;
        String imageSha256;
        long deltaBytes;
        int secretFiles;
        int kept;
        boolean manifestStored;
        RunStatus status = RunStatus.OK;
        ImageState nextState;
        Path nextSignature;
        Path nextIndex;
        String fullReadReason = "";
        Path secretTar;

        Run(Instant started, String id, Path work) {
            this.started = started;
            this.id = id;
            this.work = work;
        }
    }

    private final offsite.report.ReportStore reports;

    public ImageBackup(ImageSettings settings, ImageTree tree, Path stateDir, Clock clock, ZoneId zone, offsite.report.ReportStore reports) {
        this.reports = reports;
        this.settings = settings;
        this.tree = tree;
        this.stateDir = stateDir;
        this.clock = clock;
        this.zone = zone;
    }

    /** Builds the image and decides its kind; the objects to upload are then in uploads(). */
    public void prepare(Boolean forceFull) throws IOException {
        Instant now = clock.instant();
        Run r = new Run(now, ID.format(now), stateDir.resolve("work").resolve(ID.format(now)));
        run = r;
        Files.createDirectories(r.work);
        ImageState state = ImageState.load(stateDir.resolve("state.json"));
        Path signature = stateDir.resolve("complete.sig");
        boolean haveComplete = state != null && Files.exists(signature);
        CompleteImageRule.Decision decision = settings.rule().before(haveComplete, Boolean.TRUE.equals(forceFull),
                haveComplete ? Instant.parse(state.completeCreated()) : now, now);
        String reading = "";
        if (!decision.full()) {
            Path delta = r.work.resolve("delta");
            ImageDelta.Result d = delta(r, state, signature, delta);
            r.deltaBytes = Files.size(delta);
            decision = settings.rule().after(r.deltaBytes, state.completeSize(), state.deltasSent());
            if (!decision.full()) {
                r.type = "diff";
                r.base = state.completeId();
                r.imageBytes = d.imageBytes();
                r.imageSha256 = d.imageSha256();
                warnWholesale(r, d.counts());
                r.uploads.add(compressed(delta, r.work.resolve("delta.zst"), settings.prefix() + r.id + "/delta.zst", "delta"));
                boolean fullRead = d.copiedEntries() == 0;
                r.nextState = new ImageState(state.completeId(), state.completeSize(), state.completeCreated(), state.deltasSent() + 1,
                        fullRead ? 0 : state.diffsSinceFullRead() + 1);
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
    }

    /**
     * The delta against the complete image. Entries the index shows unchanged are copied; every entry is matched
     * instead (a full read) every offsite.image.full-read-every cycles, when the secret globs or scrub rules changed
     * since the complete image, and when there is no usable index.
     */
    private ImageDelta.Result delta(Run r, ImageState state, Path signature, Path delta) throws IOException {
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
            return deltaPass(state, signature, delta, index);
        } catch (ImageIndex.Damaged e) {
            LOG.warn("{}: this cycle matches every entry; the next complete image writes a new index", e.getMessage());
            r.notes.add(e.getMessage() + ": this cycle matched every entry; the next complete image writes a new index");
            r.status = r.status.worst(RunStatus.WARN);
            r.fullReadReason = "; every entry matched: the index of the complete image is damaged";
            return deltaPass(state, signature, delta, null);
        } finally {
            if (index != null) {
                index.close();
            }
        }
    }

    private ImageDelta.Result deltaPass(ImageState state, Path signature, Path delta, ImageIndex.Reader index) throws IOException {
        offsite.sync.RunProgress reading = step("reading the tree", state.completeSize()); // the complete image's size, a fair guess
        try (InputStream sig = new BufferedInputStream(Files.newInputStream(signature));
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(delta), 1 << 16)) {
            return ImageDelta.write(tree, Signature.read(sig), index, out, reading::add);
        }
    }

    /** A complete image: the tar on disk to compress, its signature, and its index for the deltas after it. */
    private void complete(Run r, Instant now, ImageState state) throws IOException {
        Path tar = r.work.resolve("image.tar");
        MessageDigest sha = Sha256.digest();
        offsite.sync.RunProgress reading = step("reading the tree", state == null ? 0 : state.completeSize()); // the last complete image's size, a fair guess
        r.nextIndex = r.work.resolve("complete.idx");
        try (ImageIndex.Writer index = new ImageIndex.Writer(r.nextIndex, r.id, tree.fingerprint());
                OutputStream out = counted(new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16), sha), reading)) {
            warnWholesale(r, tree.writeBase(out, index));
        }
        r.imageBytes = Files.size(tar);
        r.imageSha256 = HexFormat.of().formatHex(sha.digest());
        r.type = "full";
        r.base = null;
        r.uploads.add(compressed(tar, r.work.resolve("full.tar.zst"), settings.prefix() + r.id + "/full.tar.zst", "full"));
        r.nextSignature = r.work.resolve("complete.sig");
        try (InputStream in = counted(new BufferedInputStream(Files.newInputStream(tar), 1 << 16), step("signing the complete image", r.imageBytes));
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(r.nextSignature))) {
            Signature.write(in, SignatureParameters.rdiffDefaults(r.imageBytes), out);
        }
        r.nextState = new ImageState(r.id, r.imageBytes, now.toString(), 0, 0);
        Files.delete(tar);
    }

    private static void warnWholesale(Run r, ImageTree.Counts base) {
        for (String name : base.wholesale()) {
            r.notes.add("secret file /" + name + " is in no format a scrub rule knows: replaced wholesale in the base (\"x\" per line)");
            r.status = r.status.worst(RunStatus.WARN);
        }
    }

    /** The backup's current step, for the terminal and the status page; null when no backup runs. */
    public offsite.sync.RunProgress progress() {
        return progress;
    }

    private offsite.sync.RunProgress step(String label, long plannedBytes) {
        offsite.sync.RunProgress step = new offsite.sync.RunProgress(label, plannedBytes);
        progress = step;
        return step;
    }

    private static OutputStream counted(OutputStream out, offsite.sync.RunProgress step) {
        return new org.apache.commons.io.output.ProxyOutputStream(out) {
            @Override
            protected void afterWrite(int n) {
                step.add(n);
            }
        };
    }

    private static InputStream counted(InputStream in, offsite.sync.RunProgress step) {
        return new org.apache.commons.io.input.ProxyInputStream(in) {
            @Override
            protected void afterRead(int n) {
                if (n > 0) {
                    step.add(n);
                }
            }
        };
    }

    /** Writes the secret files' tar for the route to encrypt; none without secrets, a warning without keys. */
    private void secrets(Run r) throws IOException {
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
            r.notes.add(SecretKeys.noRecipients(settings.keysDir()));
            r.status = RunStatus.WARN;
            return;
        }
        r.secretTar = r.work.resolve("secret.tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(r.secretTar))) {
            r.secretFiles = tree.writeSecrets(out).secrets();
        }
    }

    /** The plain secret tar to encrypt (camel-crypto-pgp in the route), if this backup has one. */
    public List<java.io.File> secretToEncrypt() {
        Run r = run;
        return r.secretTar == null ? List.of() : List.of(r.secretTar.toFile());
    }

    /** The encrypted secret archive from the route: stored beside the other objects, the plain tar removed. */
    public void secretEncrypted(InputStream encrypted) throws IOException {
        Run r = run;
        Path file = r.work.resolve("secret.tar.gpg");
        MessageDigest sha = Sha256.digest();
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file)), sha)) {
            encrypted.transferTo(out);
        }
        Files.delete(r.secretTar);
        r.secretTar = null;
        r.uploads.add(new ObjectUpload(settings.prefix() + r.id + "/secret.tar.gpg", file, "secret", "none", Files.size(file),
                HexFormat.of().formatHex(sha.digest()), this::uploaded));
    }

    private ObjectUpload compressed(Path from, Path to, String key, String role) throws IOException {
        MessageDigest sha = Sha256.digest();
        try (InputStream in = counted(Files.newInputStream(from), step("compressing", Files.size(from)));
                OutputStream out = new ZstdOutputStream(new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(to), 1 << 16), sha),
                        settings.zstdLevel())) {
            in.transferTo(out);
        }
        return new ObjectUpload(key, to, role, "zstd", Files.size(to), HexFormat.of().formatHex(sha.digest()), this::uploaded);
    }

    /** The objects to put, in order; the upload step's progress starts here. */
    public List<ObjectUpload> uploads() {
        step("uploading", run.uploads.stream().mapToLong(ObjectUpload::size).sum());
        return List.copyOf(run.uploads);
    }

    private void uploaded(long bytes) {
        offsite.sync.RunProgress step = progress;
        if (step != null) {
            step.add(bytes);
        }
    }

    /** Written after every other object: the backup exists from this moment. */
    public ObjectUpload manifest() throws IOException {
        Run r = run;
        List<ImageManifest.StoredObject> objects = r.uploads.stream()
                .map(u -> new ImageManifest.StoredObject(u.key(), u.role(), u.compression(), u.size(), u.sha256())).toList();
        ImageManifest manifest = new ImageManifest(r.id, r.started.toString(), r.type, r.base, r.imageSha256, objects);
        Path file = r.work.resolve("manifest.json");
        Files.write(file, manifest.toJson());
        manifests.put(r.id, manifest);
        // a few hundred bytes after the planned objects: not counted, so the upload step ends at its planned total
        return new ObjectUpload(settings.prefix() + r.id + "/manifest.json", file, "manifest", "none", Files.size(file), "", bytes -> { });
    }

    /** The manifest is stored: the new complete image's signature and the counters become the local state. */
    public void manifestStored() throws IOException {
        Run r = run;
        r.manifestStored = true;
        if (r.nextSignature != null) {
            // the index names its complete image: one left beside an older state.json by a crash here is not used
            Files.move(r.nextIndex, stateDir.resolve("complete.idx"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(r.nextSignature, stateDir.resolve("complete.sig"), StandardCopyOption.REPLACE_EXISTING);
        }
        r.nextState.save(stateDir.resolve("state.json"));
        LOG.info("image backup {} ({}) stored", r.id, r.type);
    }

    public Listing listing(String bucket) {
        return new Listing(bucket, settings.prefix());
    }

    /** Manifest keys under the prefix not yet read. */
    public List<String> unreadManifests(Listing listing) {
        return listing.objects().stream().map(RemoteObject::key)
                .filter(k -> k.endsWith("/manifest.json") && !manifests.containsKey(idOf(k))).toList();
    }

    /** A manifest fetched from the bucket; one that does not parse is reported and left out of retention. */
    public void manifestRead(String key, InputStream body) throws IOException {
        byte[] json = body.readAllBytes();
        try {
            ImageManifest m = ImageManifest.parse(json, key);
            manifests.put(m.id(), m);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: that backup is ignored (never used, never deleted)", e.getMessage());
            Run r = run;
            if (r != null) {
                r.notes.add(e.getMessage() + ": that backup is ignored (never used, never deleted)");
                r.status = r.status.worst(RunStatus.WARN);
            }
        }
    }

    /** Applies retention to every backup with a manifest; returns the keys to delete, each backup's manifest first. */
    public List<String> retentionDeletes(Listing listing) {
        Run r = run;
        Map<String, List<String>> objectsById = new java.util.HashMap<>();
        for (RemoteObject o : listing.objects()) {
            objectsById.computeIfAbsent(idOf(o.key()), k -> new ArrayList<>()).add(o.key());
        }
        List<Backup> backups = manifests.values().stream().filter(m -> objectsById.containsKey(m.id()) || m.id().equals(r.id))
                .map(m -> new Backup(m.id(), Instant.parse(m.created()), m.full(), m.base())).toList();
        RetentionPolicy.Plan plan = settings.keep().apply(backups, zone);
        r.kept = plan.kept().size();
        List<String> keys = new ArrayList<>();
        for (Backup b : plan.deleted()) {
            String manifestKey = settings.prefix() + b.id() + "/manifest.json";
            keys.add(manifestKey);
            objectsById.getOrDefault(b.id(), List.of()).stream().filter(k -> !k.equals(manifestKey)).sorted().forEach(keys::add);
            r.deleted.add(b.id());
            manifests.remove(b.id());
            LOG.info("retention deletes image backup {} ({})", b.id(), b.full() ? "complete image" : "diff");
        }
        return keys;
    }

    public void fail(Exception e) {
        Run r = run;
        String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        LOG.error("image backup failed: {}", cause);
        if (r == null) {
            run = new Run(clock.instant(), "-", stateDir.resolve("work"));
        }
        run.errors.add(new Problem("image", cause));
        run.status = RunStatus.FAILED;
    }

    public ImageReport finish() {
        Run r = run;
        progress = null;
        try {
            FileTree.delete(r.work);
        } catch (IOException e) {
            r.notes.add("could not clean " + r.work + ": " + e.getMessage());
        }
        RunStatus status = r.status;
        if (!r.manifestStored && status != RunStatus.FAILED) {
            status = RunStatus.FAILED;
            r.errors.add(new Problem("image", "the manifest was not stored: the backup is incomplete and will not be used"));
        }
        long uploaded = r.uploads.stream().mapToLong(ObjectUpload::size).sum();
        String reason = status == RunStatus.FAILED ? r.errors.get(0).cause()
                : (r.type + " backup " + r.id + " stored" + (r.notes.isEmpty() ? "" : "; " + r.notes.get(0)));
        double ratio = r.nextState == null || r.nextState.completeSize() == 0 ? 0 : (double) r.deltaBytes / r.nextState.completeSize();
        ImageReport report = new ImageReport(status, reason, r.id, r.type, r.decision, r.started, clock.instant(), r.imageBytes,
                uploaded, ratio, r.secretFiles, r.deleted, r.kept, r.notes, r.errors);
        try {
            reports.save(report);
        } catch (IOException e) {
            LOG.error("cannot write the image report: {}", e.getMessage());
        }
        return report;
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
        java.util.Set<String> ids = new java.util.HashSet<>();
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
                } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException e) {
                    LOG.warn("{}: not shown ({})", o.key(), e.getMessage());
                }
            }
        }
        return knownManifests().stream().filter(m -> ids.contains(m.id())).toList();
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
