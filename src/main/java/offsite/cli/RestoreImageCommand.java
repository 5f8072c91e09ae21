package offsite.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import offsite.files.RestoreTarget;
import offsite.image.ImageBackup;
import offsite.image.ImageManifest;
import offsite.image.ImageRestore;
import offsite.image.ImageSettings;
import offsite.image.SignedManifests;
import offsite.image.VerifyKey;
import offsite.store.Bucket;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.StoreException;
import org.apache.camel.CamelExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.SdkException;

/** Restores an image backup (and optionally its secrets) into a directory. */
@Command(name = "restore-image", description = "Restore an image backup into DIR: complete image + delta, checked, extracted safely.")
final class RestoreImageCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "an empty directory to restore into")
    Path to;

    @Option(names = "--id", description = "the backup id (default: the newest)")
    String id;

    @Option(names = "--at", description = "the newest backup at or before this ISO-8601 time, e.g. 2026-11-23T10:00:00Z")
    Instant at;

    @Option(names = "--with-secrets", description = "also decrypt the secret archive and lay it over the base")
    boolean withSecrets;

    @Option(names = "--secret-key", paramLabel = "FILE", description = "an OpenPGP private key file of one recipient")
    Path secretKey;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "the environment variable holding the key's passphrase")
    String passphraseEnv;

    @Option(names = "--host", description = "the host whose backup to restore, when several share the image prefix (default: this"
            + " machine's offsite.image.host, or the only host there is)")
    String host;

    @Option(names = "--verify-key", paramLabel = "FILE", description = "an OpenPGP public key (gpg --armor --export) whose good signature"
            + " the manifests must carry (default: offsite.image.verify-key; neither: not checked)")
    Path verifyKey;

    @Option(names = "--overwrite", description = "restore into a directory that is not empty (after a restore that stopped): the image's files replace"
            + " those of the same name")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        String notAFolder = RestoreTarget.notAFolder(to);
        if (notAFolder == null) {
            notAFolder = RestoreTarget.blankEnds(to.toString());
        }
        if (notAFolder == null) { // before --to is written in, and before the emptiness check's advice to add --overwrite
            notAFolder = RestoreTarget.systemRoot(to);
        }
        if (notAFolder == null) {
            notAFolder = RestoreTarget.notWritable(to);
        }
        if (notAFolder != null) {
            System.err.println("offsite: " + notAFolder);
            return 2;
        }
        if (!withSecrets && (secretKey != null || passphraseEnv != null)) {
            System.err.println("offsite: --secret-key and --passphrase-env are for --with-secrets: add it to lay the secret files over the"
                    + " base, or leave them out to restore the base alone");
            return 2;
        }
        if (withSecrets && (secretKey == null || !Files.isReadable(secretKey))) {
            System.err.println("offsite: --with-secrets needs --secret-key FILE, a readable OpenPGP private key file"
                    + (secretKey == null ? "" : " (" + secretKey + " is none)"));
            return 2;
        }
        // a bad file is a SettingError naming --verify-key: exit 2 through the command line's handler, as every refused option
        VerifyKey givenKey = verifyKey == null ? null : VerifyKey.load(verifyKey, "--verify-key");
        if (!overwrite && Files.isDirectory(to)) {
            try (Stream<Path> entries = Files.list(to)) {
                if (entries.findAny().isPresent()) {
                    System.err.println("offsite: --to " + to + " is not empty: restore into an empty directory, or add --overwrite to finish a"
                            + " restore that stopped");
                    return 2;
                }
            }
        }
        char[] passphrase = null;
        if (passphraseEnv != null) {
            String value = System.getenv(passphraseEnv);
            if (value == null) {
                // only a name is said back: one given the passphrase itself must not copy it into a log
                System.err.println("offsite: --passphrase-env " + (passphraseEnv.matches("[A-Za-z_][A-Za-z0-9_]*") ? passphraseEnv + ": that"
                        + " environment variable is not set" : "(value hidden): no environment variable has this name (expected the NAME of"
                        + " the variable that holds the key's passphrase)"));
                return 2;
            }
            passphrase = value.toCharArray();
        }
        try (OneShot app = new OneShot(parent.configFile(), "restore-image", Map.of())) {
            Path liveSet = app.pathSetting("offsite.sync.source");
            Path dataDir = app.pathSetting("offsite.data.dir");
            String refusal = RestoreTarget.imageInLiveSet(to, liveSet);
            if (refusal == null) {
                refusal = RestoreTarget.inDataDir(to, dataDir);
            }
            if (refusal != null) {
                System.err.println("offsite: " + refusal);
                return 2;
            }
            S3Settings s3 = app.bean("s3Settings", S3Settings.class);
            List<String> signatureLines = List.of(); // what was found of the manifests' signatures, said under the outcome
            try {
                if (!app.bean("bucket", Bucket.class).exists()) {
                    System.out.println("FAILED: " + S3Errors.missingBucket(s3, "nothing to restore"));
                    return 1;
                }
                ImageBackup backups = app.bean("imageBackup", ImageBackup.class);
                List<ImageManifest> manifests = backups.backupsInBucket();
                ImageManifest chosen = ImageRestore.choose(manifests, id, at, host, app.bean("imageSettings", ImageSettings.class).host());
                if (id == null && at == null) { // "the newest": say when a newer one could not be read, not only in the log
                    ImageRestore.newerUnreadable(backups.unreadableManifests(), chosen).forEach(n -> System.out.println("note: " + n));
                }
                SignedManifests signatures = app.bean("signedManifests", SignedManifests.class);
                // before a byte is downloaded: a manifest whose signature is refused leaves --to untouched
                SignedManifests.Checked checked = (givenKey == null ? signatures : signatures.with(givenKey))
                        .check(manifests, chosen);
                signatureLines = checked.lines();
                ImageRestore restore = app.bean("imageRestore", ImageRestore.class);
                ImageRestore.Result result;
                try (ProgressLine line = new ProgressLine(System.err, System.console() != null, restore::progress)) {
                    result = restore.restore(checked.manifests(), checked.chosen(), to.toAbsolutePath(), withSecrets ? secretKey : null,
                            passphrase, RestoreTarget.keptOut(dataDir, liveSet));
                }
                String secrets = secretsNote(withSecrets, result.secretEntries(), checked.chosen());
                String leftOut = result.leftOut().none() ? "" : "; not run as root, so left out: " + result.leftOut().text();
                System.out.println("OK: restored " + result.type() + " backup " + result.id() + " to " + to + ": " + result.entries() + " entries"
                        + leftOut + secrets);
                signatureLines.forEach(System.out::println); // under the outcome, which stays the first line
                return 0;
            } catch (StoreException | SdkException | CamelExecutionException | UncheckedIOException e) {
                // the service's failure in the words `sync` and `verify` use: what to check, exit 1 as for any restore that fell short
                System.out.println("FAILED: " + S3Errors.explain(e, s3));
                signatureLines.forEach(System.out::println);
                return 1;
            } catch (ImageRestore.Refused e) {
                System.err.println("offsite: " + e.getMessage()); // --to, as the other refusals of it: nothing was extracted
                return 2;
            } catch (IllegalArgumentException | IOException e) {
                // no backup to choose, or one that cannot be rebuilt; a bad setting fails the start above: exit 2, as for every command
                System.out.println("FAILED: " + e.getMessage());
                signatureLines.forEach(System.out::println);
                return 1;
            }
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /**
     * What the OK line says of the secret files: laid over the base (withSecrets, laidOver entries), the base's scrubbed
     * copies with or without their originals in the bucket, and those the backup could not read, which neither holds.
     */
    static String secretsNote(boolean withSecrets, int laidOver, ImageManifest chosen) {
        Integer scrubbed = chosen.scrubbedFiles(); // null: a manifest from before it was counted
        Integer unreadable = chosen.unreadableSecrets(); // null: none, or a manifest from before they were counted
        String note = withSecrets ? ", " + laidOver + " secret entries laid over it"
                : chosen.object("secret") != null && (scrubbed == null || scrubbed > 0)
                ? "; its secret files are the base's scrubbed copies (restore with --with-secrets --secret-key FILE for the originals)"
                : scrubbed != null && scrubbed > 0 ? "; " + scrubbed + " secret files are scrubbed copies and this backup has no secret"
                + " archive (no key was in offsite.image.keys-dir): their originals are not in the bucket"
                : "";
        return unreadable == null || unreadable == 0 ? note : note + "; " + unreadable + " secret file(s) could not be read when the backup"
                + " was made (permission denied) and are in neither the base nor the secret archive (its report named them)";
    }
}
