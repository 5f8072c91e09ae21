package offsite.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import offsite.image.ImageBackup;
import offsite.image.ImageCheck;
import offsite.image.ImageManifest;
import offsite.image.ImageRestore;
import offsite.image.ImageSettings;
import offsite.image.SignedManifests;
import offsite.image.VerifyKey;
import offsite.report.ByteSize;
import offsite.store.Bucket;
import offsite.store.RemoteObject;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.StoreException;
import org.apache.camel.CamelExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Whether a host's image backups could be restored, without a place to restore to: every backup's objects present at
 * their manifest sizes (one listing), and with --deep the chosen backup rebuilt as a restore rebuilds it, every SHA-256
 * checked, nothing extracted. Exit 1 when any backup checked could not be restored, or a manifest cannot be read.
 */
@Command(name = "verify-image", description = "Check that image backups could be restored: objects present at their sizes,"
        + " signatures good (with a verify key); --deep rebuilds one and checks its SHA-256s.")
final class VerifyImageCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--host", description = "the host whose backups to check (default: this machine's offsite.image.host, or the only"
            + " host there is)")
    String host;

    @Option(names = "--id", description = "check this backup only (and its complete image); --deep rebuilds it")
    String id;

    @Option(names = "--at", description = "check the newest backup at or before this ISO-8601 time only, e.g. 2026-11-23T10:00:00Z")
    Instant at;

    @Option(names = "--deep", description = "also download the newest backup checked (or each, with --all), rebuild its image and"
            + " check every SHA-256 against its manifest; nothing is extracted")
    boolean deep;

    @Option(names = "--all", description = "with --deep: rebuild every backup checked, not only the newest")
    boolean all;

    @Option(names = "--verify-key", paramLabel = "FILE", description = "an OpenPGP public key whose good signature every manifest"
            + " checked must carry (default: offsite.image.verify-key; neither: not checked)")
    Path verifyKey;

    @Override
    public Integer call() throws Exception {
        if (all && !deep) {
            System.err.println("offsite: --all is for --deep (every backup rebuilt): without --deep every backup is checked already");
            return 2;
        }
        // a bad file is a SettingError naming --verify-key: exit 2 through the command line's handler, as every refused option
        VerifyKey givenKey = verifyKey == null ? null : VerifyKey.load(verifyKey, "--verify-key");
        try (OneShot app = new OneShot(parent.configFile(), "verify-image", Map.of())) {
            S3Settings s3 = app.bean("s3Settings", S3Settings.class);
            try {
                Bucket bucket = app.bean("bucket", Bucket.class);
                if (!bucket.exists()) {
                    System.out.println("FAILED: " + S3Errors.missingBucket(s3, "no image backup to check"));
                    return 1;
                }
                ImageSettings settings = app.bean("imageSettings", ImageSettings.class);
                ImageBackup backups = app.bean("imageBackup", ImageBackup.class);
                List<RemoteObject> listed = bucket.list(settings.prefix());
                List<ImageManifest> manifests = backups.inBucket(listed, key -> bucket.get(key, 0));
                ImageManifest chosen = ImageRestore.choose(manifests, id, at, host, settings.host());
                List<ImageManifest> checked = id != null || at != null ? List.of(chosen)
                        : manifests.stream().filter(m -> String.valueOf(m.host()).equals(String.valueOf(chosen.host()))).toList();
                Map<String, Long> sizes = listed.stream().collect(Collectors.toMap(RemoteObject::key, RemoteObject::size, (a, b) -> a));
                List<ImageCheck.Verdict> verdicts = ImageCheck.of(checked, manifests, sizes);
                SignedManifests signatures = app.bean("signedManifests", SignedManifests.class);
                if (givenKey != null) {
                    signatures = signatures.with(givenKey);
                }
                Map<String, SignedManifests.Checked> signed = new HashMap<>(); // the bucket's signed bytes, which --deep rebuilds from
                List<String> broken = new ArrayList<>();
                for (ImageCheck.Verdict v : verdicts) {
                    List<String> problems = new ArrayList<>(v.problems());
                    if (signatures.checks()) {
                        try {
                            signed.put(v.backup().id(), signatures.check(manifests, v.backup()));
                        } catch (IOException e) {
                            problems.add(e.getMessage());
                        }
                    }
                    String objects = v.backup().objects().size() + " object(s) at their sizes" + (signatures.checks()
                            ? ", manifest signatures good" : "");
                    System.out.printf("%-8s %s  %-28s %s%n", problems.isEmpty() ? "ok" : "BROKEN", v.backup().id(), v.kind(),
                            problems.isEmpty() ? objects : String.join("; ", problems));
                    if (!problems.isEmpty()) {
                        broken.add(v.backup().id() + " (" + String.join("; ", problems) + ")");
                    }
                }
                List<String> unreadable = backups.unreadableManifests().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " cannot be read (" + e.getValue() + ")").toList();
                unreadable.forEach(u -> System.out.println("BROKEN   " + u));
                List<String> rebuilt = new ArrayList<>();
                if (deep) {
                    ImageRestore restore = app.bean("imageRestore", ImageRestore.class);
                    List<ImageCheck.Verdict> toRebuild = all ? verdicts : List.of(verdicts.get(verdicts.size() - 1));
                    for (ImageCheck.Verdict v : toRebuild) {
                        if (!v.restorable() || signatures.checks() && !signed.containsKey(v.backup().id())) {
                            continue; // named above: a rebuild would stop on the same object, or go by an unsigned manifest
                        }
                        SignedManifests.Checked good = signed.get(v.backup().id());
                        try (ProgressLine line = new ProgressLine(System.err, System.console() != null, restore::progress)) {
                            ImageRestore.Rebuilt r = good == null ? restore.check(manifests, v.backup())
                                    : restore.check(good.manifests(), good.chosen());
                            System.out.printf("%-8s %s  image of %s rebuilt, its SHA-256 and every object's as the manifest says%s%n",
                                    "rebuilt", r.id(), ByteSize.format(r.imageBytes()), r.secretArchive() ? ", the secret archive's too"
                                    : "");
                            rebuilt.add(r.id());
                        } catch (IOException e) {
                            System.out.printf("%-8s %s  %s%n", "BROKEN", v.backup().id(), e.getMessage());
                            broken.add(v.backup().id() + " (" + e.getMessage() + ")");
                        }
                    }
                }
                String whose = verdicts.size() + " backup(s) of host " + chosen.host();
                if (!broken.isEmpty() || !unreadable.isEmpty()) {
                    List<String> named = new ArrayList<>();
                    if (!broken.isEmpty()) {
                        named.add(broken.size() + " of " + whose + " could not be restored: " + String.join("; ", broken)
                                + ". What to do: `bin/offsite image --full` makes a complete image the next diffs build on; restore-image"
                                + " --id takes a backup marked ok; delete a broken one's folder (" + settings.prefix() + "ID/) by hand once"
                                + " it is no longer wanted");
                    }
                    if (!unreadable.isEmpty()) {
                        named.add(unreadable.size() + " manifest(s) cannot be read: " + String.join("; ", unreadable)
                                + ". Their backups are never restored nor deleted by retention: put the manifest back (bucket"
                                + " versioning) or delete the folder by hand");
                    }
                    System.out.println("FAILED: " + String.join("; and ", named));
                    return 1;
                }
                System.out.println("OK: " + whose + " checked: every object in the bucket at its manifest's size" + (rebuilt.isEmpty()
                        ? " (--deep rebuilds the newest and checks its SHA-256s)" : "; rebuilt and checked: " + String.join(", ", rebuilt))
                        + (signatures.checks() ? "; every manifest's signature good" : ""));
                if (!signatures.checks()) {
                    System.out.println("note: the manifests' signatures were not checked (no offsite.image.verify-key or --verify-key)");
                }
                return 0;
            } catch (StoreException | SdkException | CamelExecutionException | UncheckedIOException e) {
                System.out.println("FAILED: " + S3Errors.explain(e, s3));
                return 1;
            } catch (IllegalArgumentException e) { // no backup to check, or several hosts and no --host
                System.out.println("FAILED: " + e.getMessage());
                return 1;
            }
        }
    }
}
