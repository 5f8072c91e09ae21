package offsite.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import offsite.files.DiskFull;
import offsite.report.ByteSize;
import offsite.report.RestoreTestReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.store.Bucket;
import offsite.store.RemoteObject;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.StoreException;
import offsite.sync.DamagedObjects;
import offsite.sync.RunProgress;
import org.apache.camel.CamelExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Whether a host's image backups could be restored, with no place to restore to (the verify-image command, and run's restore
 * test on offsite.image.verify-cron): from one listing, every backup's objects in the bucket at their manifest sizes and, with
 * a verify key, every manifest's signature good; deep, the newest backup (or each) rebuilt as a restore rebuilds it and every
 * SHA-256 checked, nothing extracted.
 */
public final class ImageVerify {

    private static final Logger LOG = LoggerFactory.getLogger(ImageVerify.class);

    private final Bucket bucket;
    private final S3Settings s3;
    private final ImageSettings settings;
    private final ImageBackup backups;
    private final SignedManifests signatures;
    private final ImageRestore restore;
    private final ReportStore reports;
    private final Clock clock;

    public ImageVerify(Bucket bucket, S3Settings s3, ImageSettings settings, ImageBackup backups, SignedManifests signatures,
            ImageRestore restore, ReportStore reports, Clock clock) {
        this.bucket = bucket;
        this.s3 = s3;
        this.settings = settings;
        this.backups = backups;
        this.signatures = signatures;
        this.restore = restore;
        this.reports = reports;
        this.clock = clock;
    }

    /**
     * What to check: host (null: this machine's offsite.image.host, or the only host there is), one backup by id or at a time
     * (both null: every backup of the host), deep (rebuild the newest checked, or each with all), key (null: the verify key of
     * the settings, if any).
     */
    public record Request(String host, String id, Instant at, boolean deep, boolean all, VerifyKey key) {

        /** run's restore test: every backup of this host checked by the listing, the newest rebuilt. */
        public static Request restoreTest() {
            return new Request(null, null, null, true, false, null);
        }
    }

    /**
     * status: OK, every backup checked could be restored (and each asked rebuilt); WARN, none found broken, but one asked
     * could not be rebuilt here (the data directory's disk full); FAILED, a backup could not be restored, or nothing could be
     * checked. verdict: the last line, `STATUS: ...` with what to do; note: a line under it, or null.
     */
    public record Outcome(RunStatus status, String verdict, String note) {
    }

    /**
     * The restore test of the schedule: every backup of this host checked, the newest rebuilt; its report kept beside the
     * others (verify-image-latest.json), to send.
     */
    public RestoreTestReport restoreTest() {
        Instant started = clock.instant();
        List<String> lines = new ArrayList<>();
        Outcome outcome = check(Request.restoreTest(), lines::add);
        RestoreTestReport report = new RestoreTestReport("verify-image", outcome.status(), started, clock.instant(),
                lines, outcome.verdict(), outcome.note());
        try {
            reports.save(report);
        } catch (IOException e) {
            LOG.error("cannot write the restore test's report: {}", e.getMessage());
        }
        return report;
    }

    /** The RunProgress of a rebuild under way (the command's progress line), or null before the first. */
    public RunProgress progress() {
        return restore.progress();
    }

    /** Checks as asked, handing each backup's line to lines as it is decided (`ok`, `BROKEN`, `rebuilt`). */
    public Outcome check(Request request, Consumer<String> lines) {
        try {
            if (!bucket.exists()) {
                return failed(S3Errors.missingBucket(s3, "no image backup to check"));
            }
            return checkBackups(request, lines);
        } catch (StoreException | SdkException | CamelExecutionException | UncheckedIOException e) {
            return failed(S3Errors.explain(e, s3));
        } catch (IllegalArgumentException e) { // no backup to check, or several hosts and no --host
            return failed(e.getMessage());
        }
    }

    /**
     * What the deep checks found: backups rebuilt; not rebuilt for want of room here (which says nothing of them); broken;
     * and complete images found damaged that this machine's next backup replaces.
     */
    private static final class Rebuilds {
        final List<String> rebuilt = new ArrayList<>();
        final List<String> notRebuilt = new ArrayList<>();
        final List<String> broken = new ArrayList<>();
        final List<String> renewed = new ArrayList<>();
    }

    /** Rebuilds one backup as a restore would (from the signed bytes when signatures are checked), a line said and kept in found. */
    private void rebuild(ImageManifest backup, List<ImageManifest> manifests, SignedManifests.Checked signed, boolean ours,
            List<RemoteObject> listed, Rebuilds found, Consumer<String> lines) {
        try {
            ImageRestore.Rebuilt r = signed == null ? restore.check(manifests, backup) : restore.check(signed.manifests(), signed.chosen());
            lines.accept(String.format("%-8s %s  image of %s rebuilt, its SHA-256 and every object's as the manifest says%s", "rebuilt",
                    r.id(), ByteSize.format(r.imageBytes()), r.secretArchive() ? ", the secret archive's too" : ""));
            found.rebuilt.add(r.id());
        } catch (IOException e) {
            boolean full = DiskFull.is(e, restore.work());
            lines.accept(String.format("%-8s %s  %s", full ? "unsure" : "BROKEN", backup.id(), e.getMessage()));
            (full ? found.notRebuilt : found.broken).add(backup.id() + " (" + e.getMessage() + ")");
            if (ours && e instanceof ImageRestore.DamagedObject d && d.object().role().equals("full") && completeFoundDamaged(d, listed)) {
                found.renewed.add(d.object().key());
            }
        }
    }

    /**
     * A complete image of this machine's whose object is missing or damaged: kept so that no later backup is a diff on it
     * (ImageBackup makes a complete one); whether it was kept.
     */
    private boolean completeFoundDamaged(ImageRestore.DamagedObject d, List<RemoteObject> listed) {
        String key = d.object().key();
        String etag = listed.stream().filter(o -> o.key().equals(key)).map(RemoteObject::etag).findFirst().orElse("");
        try {
            backups.foundDamaged(key, new DamagedObjects.Found(etag, clock.instant(), d.getMessage()));
            return true;
        } catch (IOException e) {
            LOG.error("cannot keep {} as damaged: the next image backup may still be a diff on it: {}", key, e.getMessage());
            return false;
        }
    }

    private static Outcome failed(String why) {
        return new Outcome(RunStatus.FAILED, "FAILED: " + why, null);
    }

    private Outcome checkBackups(Request request, Consumer<String> lines) {
        List<RemoteObject> listed = bucket.list(settings.prefix());
        List<ImageManifest> manifests = backups.inBucket(listed, key -> bucket.get(key, 0));
        ImageManifest chosen = ImageRestore.choose(manifests, request.id(), request.at(), request.host(), settings.host());
        List<ImageManifest> checked = request.id() != null || request.at() != null ? List.of(chosen)
                : manifests.stream().filter(m -> String.valueOf(m.host()).equals(String.valueOf(chosen.host()))).toList();
        Map<String, Long> sizes = listed.stream().collect(Collectors.toMap(RemoteObject::key, RemoteObject::size, (a, b) -> a));
        List<ImageCheck.Verdict> verdicts = ImageCheck.of(checked, manifests, sizes);
        SignedManifests signed = request.key() == null ? signatures : signatures.with(request.key());
        Map<String, SignedManifests.Checked> good = new HashMap<>(); // the bucket's signed bytes, which a deep check rebuilds from
        List<String> broken = new ArrayList<>();
        for (ImageCheck.Verdict v : verdicts) {
            List<String> problems = new ArrayList<>(v.problems());
            if (signed.checks()) {
                try {
                    good.put(v.backup().id(), signed.check(manifests, v.backup()));
                } catch (IOException e) {
                    problems.add(e.getMessage());
                }
            }
            String objects = v.backup().objects().size() + " object(s) at their sizes" + (signed.checks() ? ", manifest signatures good" : "");
            lines.accept(String.format("%-8s %s  %-28s %s", problems.isEmpty() ? "ok" : "BROKEN", v.backup().id(), v.kind(),
                    problems.isEmpty() ? objects : String.join("; ", problems)));
            if (!problems.isEmpty()) {
                broken.add(v.backup().id() + " (" + String.join("; ", problems) + ")");
            }
        }
        List<String> unreadable = backups.unreadableManifests().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " cannot be read (" + e.getValue() + ")").toList();
        unreadable.forEach(u -> lines.accept("BROKEN   " + u));
        Rebuilds rebuilds = new Rebuilds();
        if (request.deep()) {
            boolean ours = String.valueOf(chosen.host()).equals(settings.host());
            for (ImageCheck.Verdict v : request.all() ? verdicts : List.of(verdicts.get(verdicts.size() - 1))) {
                if (v.restorable() && (!signed.checks() || good.containsKey(v.backup().id()))) {
                    rebuild(v.backup(), manifests, good.get(v.backup().id()), ours, listed, rebuilds, lines);
                } // else named above: a rebuild would stop on the same object, or go by an unsigned manifest
            }
        }
        broken.addAll(rebuilds.broken);
        List<String> rebuilt = rebuilds.rebuilt;
        List<String> notRebuilt = rebuilds.notRebuilt;
        List<String> renewed = rebuilds.renewed;
        String whose = verdicts.size() + " backup(s) of host " + chosen.host();
        if (!broken.isEmpty() || !unreadable.isEmpty()) {
            List<String> named = new ArrayList<>();
            if (!broken.isEmpty()) {
                named.add(broken.size() + " of " + whose + " could not be restored: " + String.join("; ", broken)
                        + ". What to do: " + (renewed.isEmpty() ? "`bin/offsite image --full` makes a complete image the next diffs build on"
                        : "nothing for " + String.join(", ", renewed) + ": this machine's next backup is a complete image, no diff on it")
                        + "; restore-image"
                        + " --id takes a backup marked ok; delete a broken one's folder (" + settings.prefix() + "ID/) by hand once"
                        + " it is no longer wanted");
            }
            if (!unreadable.isEmpty()) {
                named.add(unreadable.size() + " manifest(s) cannot be read: " + String.join("; ", unreadable)
                        + ". Their backups are never restored nor deleted by retention: put the manifest back (bucket"
                        + " versioning) or delete the folder by hand");
            }
            return failed(String.join("; and ", named));
        }
        String note = signed.checks() ? null : "note: the manifests' signatures were not checked (no offsite.image.verify-key or --verify-key)";
        if (!notRebuilt.isEmpty()) {
            return new Outcome(RunStatus.WARN, "WARN: " + whose + " checked: every object in the bucket at its manifest's size; not rebuilt,"
                    + " for want of room here: " + String.join("; ", notRebuilt) + ". What to do: give the data directory's disk room for"
                    + " one image (offsite.data.dir, under image/restore-work), then run verify-image --deep", note);
        }
        return new Outcome(RunStatus.OK, "OK: " + whose + " checked: every object in the bucket at its manifest's size" + (rebuilt.isEmpty()
                ? " (--deep rebuilds the newest and checks its SHA-256s)" : "; rebuilt and checked: " + String.join(", ", rebuilt))
                + (signed.checks() ? "; every manifest's signature good" : ""), note);
    }
}
