package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import offsite.testing.Gpg;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Image backups end to end through the command line against S3Proxy, checked with stock gpg, zstd and rdiff. */
class ImageRouteTest {

    static final List<String> SECRETS = List.of("$6$saltsalt$Hash-Of-Root-Password", "hunter2-db-secret", "tok-ABC-123-token",
            "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-private");

    @TempDir
    Path dir;

    OffsiteHarness app;
    Path tree;
    Path secretKeyA;
    Path secretKeyB;

    @BeforeEach
    void machine() throws Exception {
        app = new OffsiteHarness(dir);
        tree = Files.createDirectories(dir.resolve("machine"));
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/shadow"), "root:" + SECRETS.get(0) + ":19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
        Files.setPosixFilePermissions(tree.resolve("etc/shadow"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tree.resolve("etc/hostname"), "excalibur\n");
        Path app1 = Files.createDirectories(tree.resolve("srv/app"));
        Files.writeString(app1.resolve("app.env"), "DB_HOST=db\nDB_PASSWORD=" + SECRETS.get(1) + "\nAPI_TOKEN: \"" + SECRETS.get(2) + "\"\n");
        Files.writeString(app1.resolve("tls.key"), "-----BEGIN PRIVATE KEY-----\n" + SECRETS.get(3) + "\n-----END PRIVATE KEY-----\n");
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        Files.write(app1.resolve("data.bin"), big);
        Files.createSymbolicLink(app1.resolve("current"), Path.of("data.bin"));
        Files.setPosixFilePermissions(app1, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(tree.resolve("var/cache"));
        Files.writeString(tree.resolve("var/cache/junk"), "excluded");
        Files.setLastModifiedTime(tree.resolve("etc/hostname"), FileTime.fromMillis(1_600_000_000_000L));

        Path keys = Files.createDirectories(dir.resolve("keys"));
        secretKeyA = dir.resolve("a.sec.asc");
        secretKeyB = dir.resolve("b.sec.asc");
        new Gpg(dir.resolve("gpg-a")).newKey("Admin A <a@example.org>", keys.resolve("a.asc"), secretKeyA);
        new Gpg(dir.resolve("gpg-b")).newKey("Admin B <b@example.org>", keys.resolve("b.asc"), secretKeyB);

        app.set("offsite.image.roots", tree.toString())
                .set("offsite.image.excludes", tree + "/var/cache")
                .set("offsite.image.secrets", tree + "/etc/shadow," + tree + "/srv/app/*.env," + tree + "/srv/app/*.key")
                .set("offsite.image.keys-dir", keys.toString());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void full_then_delta_restores_byte_for_byte_with_secrets_and_leaks_nothing() throws Exception {
        OffsiteHarness.CommandResult first = app.command("image");
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).startsWith("OK: full backup");

        Files.writeString(tree.resolve("etc/hostname"), "excalibur2\n");
        Files.writeString(tree.resolve("srv/app/new.txt"), "added later");
        OffsiteHarness.CommandResult second = app.command("image");
        assertThat(second.exit()).as(second.out()).isZero();
        assertThat(second.out()).startsWith("OK: diff backup");

        // no secret value anywhere in the base images or deltas
        for (S3Object o : TestS3.list(app.client, app.s3.bucket(), "images/")) {
            if (!o.key().endsWith("secret.tar.gpg")) {
                byte[] bytes = get(o.key());
                byte[] plain = o.key().endsWith(".zst") ? new ZstdInputStream(new ByteArrayInputStream(bytes)).readAllBytes() : bytes;
                String text = new String(plain, StandardCharsets.ISO_8859_1);
                for (String secret : SECRETS) {
                    assertThat(text).as(o.key()).doesNotContain(secret);
                }
            }
        }

        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString(), "--with-secrets",
                "--secret-key", secretKeyB.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restore.out()).contains("OK: restored diff backup");
        assertThat(snapshot(restored.resolve(tree.toString().substring(1)))).isEqualTo(snapshot(tree));
    }

    /** A file the machine holds beside the others, with a name that the restore's own way of writing files could trip over. */
    record OddName(String what, String path) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<OddName> oddNames() {
        return Stream.of(new OddName("a secret file's name with .offsite-part after it", "srv/app/app.env.offsite-part"),
                new OddName("a file named .offsite-part beside a secret file", "srv/app/.offsite-part"),
                new OddName("a name of 255 bytes, the most a name may have", "srv/app/" + "n".repeat(251) + ".txt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddNames")
    void a_file_whatever_its_name_comes_back_byte_for_byte_beside_the_secrets_laid_over_the_base(OddName c) throws Exception {
        Files.writeString(tree.resolve(c.path()), "a file of its own, no secret\n");
        OffsiteHarness.CommandResult image = app.command("image");
        assertThat(image.exit()).as(image.out()).isZero();
        Path restored = dir.resolve("restored");

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString(), "--with-secrets",
                "--secret-key", secretKeyA.toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(snapshot(restored.resolve(tree.toString().substring(1)))).isEqualTo(snapshot(tree));
    }

    @Test
    void a_key_that_cannot_open_the_secret_archive_fails_naming_the_file_before_anything_is_written() throws Exception {
        assertThat(app.command("image").exit()).isZero();
        Path stranger = dir.resolve("stranger.sec.asc");
        new Gpg(dir.resolve("gpg-s")).newKey("Stranger <s@example.org>", dir.resolve("stranger.asc"), stranger);
        Path restored = dir.resolve("restored");

        OffsiteHarness.CommandResult wrong = app.command("restore-image", "--to", restored.toString(), "--with-secrets", "--secret-key",
                stranger.toString());

        assertThat(wrong.exit()).as(wrong.out()).isEqualTo(1);
        assertThat(wrong.out()).startsWith("FAILED: --secret-key " + stranger + ": the key is not one of the secret archive's recipients");
        assertThat(restored).as("nothing written: no base without the secrets asked for").doesNotExist();
        OffsiteHarness.CommandResult right = app.command("restore-image", "--to", restored.toString(), "--with-secrets", "--secret-key",
                secretKeyA.toString());
        assertThat(right.exit()).as("the right key, into the same directory, needs no --overwrite: " + right.out()).isZero();
        assertThat(snapshot(restored.resolve(tree.toString().substring(1)))).isEqualTo(snapshot(tree));
    }

    @Test
    void a_restore_without_secrets_says_its_secret_files_are_scrubbed_copies_and_a_key_given_without_with_secrets_is_refused()
            throws Exception {
        assertThat(app.command("image").exit()).isZero();
        Path refusedDir = dir.resolve("refused");

        OffsiteHarness.CommandResult refused = app.command("restore-image", "--to", refusedDir.toString(), "--secret-key", secretKeyA.toString());
        OffsiteHarness.CommandResult base = app.command("restore-image", "--to", dir.resolve("base").toString());

        assertThat(refused.exit()).as("a key is given, so the secrets are meant: " + refused.out()).isEqualTo(2);
        assertThat(refusedDir).doesNotExist();
        assertThat(base.exit()).as(base.out()).isZero();
        assertThat(base.out()).startsWith("OK: restored full backup").contains("entries; its secret files are the base's scrubbed copies"
                + " (restore with --with-secrets --secret-key FILE for the originals)");
    }

    @Test
    void a_folder_of_secret_files_only_that_would_land_in_the_data_dir_refuses_the_restore_before_anything_is_laid() throws Exception {
        // a key of no known format is in the secret archive only: the base holds its folder, not the file
        Path keys = Files.createDirectories(tree.resolve("srv/keys"));
        Files.writeString(keys.resolve("creds.key"), "-----BEGIN PRIVATE KEY-----\n" + SECRETS.get(3) + "\n-----END PRIVATE KEY-----\n");
        app.set("offsite.image.secrets", tree + "/etc/shadow," + tree + "/srv/keys/*.key");
        OffsiteHarness.CommandResult image = app.command("image");
        assertThat(image.exit()).as(image.out()).isZero();
        Path parent = dir.resolve("parent");
        // the restoring machine keeps its data directory where that folder lands below --to
        Path data = parent.resolve(keys.toString().substring(1));
        app.set("offsite.data.dir", data.toString());
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        OffsiteHarness.CommandResult restore;
        try {
            restore = app.command("restore-image", "--to", parent.toString(), "--overwrite", "--with-secrets", "--secret-key",
                    secretKeyA.toString());
        } finally {
            System.setErr(original);
        }

        assertThat(restore.exit()).as(err + restore.out()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("offsite: --to " + parent + " would write ")
                .contains(" into offsite.data.dir (" + data + ", as ");
        assertThat(data.resolve("creds.key")).doesNotExist();
        assertThat(parent.resolve(tree.toString().substring(1)).resolve("etc")).as("the base is not laid either").doesNotExist();
    }

    @Test
    void the_backup_set_and_the_offline_drive_under_a_root_are_never_in_an_image() throws Exception {
        // a backup host imaged whole: its set is mirrored by the sync pipeline, its drive filled by the offline copy
        Path set = Files.createDirectories(tree.resolve("backups/Set A"));
        Files.writeString(set.resolve("AA000001.rdb"), "a chunk of the set");
        Path usb = Files.createDirectories(tree.resolve("media/usb/2026-11-01"));
        Files.writeString(usb.resolve("AA000001.rdb"), "a chunk of last month's snapshot");
        app.set("offsite.sync.source", set.toString()).set("offsite.offline.destination", usb.getParent().toString());
        OffsiteHarness.CommandResult image;
        List<String> logged;
        try (LogLines log = new LogLines()) {
            image = app.command("image");
            logged = log.lines();
        }
        assertThat(image.exit()).as(image.out()).isZero();

        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        Path machine = restored.resolve(tree.toString().substring(1));
        assertThat(machine.resolve("etc/hostname")).hasContent("excalibur\n");
        assertThat(machine.resolve("backups")).isDirectory();
        assertThat(machine.resolve("backups/Set A")).doesNotExist();
        assertThat(machine.resolve("media")).isDirectory();
        assertThat(machine.resolve("media/usb")).doesNotExist();
        assertThat(logged).contains("INFO image backups leave out " + set + " (offsite.sync.source): it has a pipeline of its own",
                "INFO image backups leave out " + usb.getParent() + " (offsite.offline.destination): it has a pipeline of its own");
    }

    @Test
    void offsites_own_data_directory_under_a_root_is_never_in_an_image() throws Exception {
        Path data = tree.resolve("var/lib/offsite"); // roots of / and the data directory in /var/lib/offsite
        app.set("offsite.data.dir", data.toString());
        OffsiteHarness.CommandResult first = app.command("image");
        assertThat(first.exit()).as(first.out()).isZero();
        Files.writeString(tree.resolve("etc/hostname"), "excalibur2\n");
        OffsiteHarness.CommandResult second = app.command("image");
        assertThat(second.exit()).as(second.out()).isZero();
        assertThat(data.resolve("image/complete.sig")).as("the data directory holds the last image's signature").isNotEmptyFile();

        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString());

        // the diff carried the index, the signature, the reports and the activity log of the hour before
        assertThat(restore.exit()).as(restore.out()).isZero();
        Path machine = restored.resolve(tree.toString().substring(1));
        assertThat(machine.resolve("etc/hostname")).hasContent("excalibur2\n");
        assertThat(machine.resolve("var/lib")).isDirectory();
        assertThat(machine.resolve("var/lib/offsite")).doesNotExist();
    }

    @Test
    void a_missing_bucket_is_created_when_allowed_and_named_when_not() throws Exception {
        String missing = app.s3.bucket() + "-new";
        app.set("offsite.s3.bucket", missing);
        OffsiteHarness.CommandResult refused = app.command("image");
        assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
        assertThat(refused.out()).contains("bucket '" + missing + "' does not exist");

        app.set("offsite.s3.create-bucket", "true");
        OffsiteHarness.CommandResult created = app.command("image");
        assertThat(created.exit()).as(created.out()).isZero();
        assertThat(TestS3.list(app.client, missing, "images/")).isNotEmpty();
    }

    @Test
    void stock_tools_restore_it_too_zstd_rdiff_and_gpg_with_either_key() throws Exception {
        app.command("image");
        Files.writeString(tree.resolve("etc/hostname"), "changed\n");
        app.command("image");
        List<String> keys = TestS3.list(app.client, app.s3.bucket(), "images/").stream().map(S3Object::key).sorted().toList();
        String full = keys.stream().filter(k -> k.endsWith("full.tar.zst")).findFirst().orElseThrow();
        String delta = keys.stream().filter(k -> k.endsWith("delta.zst")).findFirst().orElseThrow();
        String diffManifest = delta.replace("delta.zst", "manifest.json");
        Files.write(dir.resolve("full.tar.zst"), get(full));
        Files.write(dir.resolve("delta.zst"), get(delta));
        run("zstd", "-q", "-d", dir.resolve("full.tar.zst").toString(), "-o", dir.resolve("full.tar").toString());
        run("zstd", "-q", "-d", dir.resolve("delta.zst").toString(), "-o", dir.resolve("delta").toString());
        run("rdiff", "patch", dir.resolve("full.tar").toString(), dir.resolve("delta").toString(), dir.resolve("new.tar").toString());

        ImageManifest manifest = ImageManifest.parse(get(diffManifest), diffManifest);
        assertThat(sha256(Files.readAllBytes(dir.resolve("new.tar")))).isEqualTo(manifest.imageSha256());
        String listing = run("tar", "-tvf", dir.resolve("new.tar").toString());
        assertThat(listing).contains(tree.toString().substring(1) + "/srv/app/current -> data.bin").doesNotContain("var/cache/junk");

        Files.write(dir.resolve("secret.gpg"), get(diffManifest.replace("manifest.json", "secret.tar.gpg")));
        for (String home : List.of("gpg-a", "gpg-b")) {
            byte[] secretTar = new Gpg(dir.resolve(home)).decrypt(dir.resolve("secret.gpg"));
            assertThat(new String(secretTar, StandardCharsets.ISO_8859_1)).as(home).contains(SECRETS.get(1)).contains(SECRETS.get(0));
        }
    }

    @Test
    void without_keys_there_is_no_secret_archive_and_a_warning() throws Exception {
        app.set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("empty-keys")).toString());

        OffsiteHarness.CommandResult result = app.command("image");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).startsWith("WARN:").contains("no recipient keys in");
        assertThat(TestS3.list(app.client, app.s3.bucket(), "images/")).noneMatch(o -> o.key().endsWith("secret.tar.gpg"));
    }

    @Test
    void without_keys_the_scrubbed_secret_files_are_counted_and_the_restore_says_their_originals_are_not_in_the_bucket()
            throws Exception {
        app.set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("empty-keys")).toString());

        OffsiteHarness.CommandResult backup = app.command("image");
        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString());

        // shadow, app.env and tls.key were scrubbed into the base, and nothing holds their originals
        assertThat(backup.out()).as(backup.out()).startsWith("WARN:").contains("  secret files: 3\n");
        String manifest = TestS3.list(app.client, app.s3.bucket(), "images/").stream().map(S3Object::key)
                .filter(k -> k.endsWith("manifest.json")).findFirst().orElseThrow();
        assertThat(new String(get(manifest), StandardCharsets.UTF_8)).contains("\"scrubbedFiles\" : 3");
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restore.out()).startsWith("OK: restored full backup").contains("entries; 3 secret files are scrubbed copies and this"
                + " backup has no secret archive (no key was in offsite.image.keys-dir): their originals are not in the bucket");
        assertThat(restored.resolve(tree.toString().substring(1)).resolve("etc/shadow")).content().doesNotContain(SECRETS.get(0));
    }

    @Test
    void a_secret_glob_naming_a_folder_makes_every_file_under_it_secret_and_one_matching_no_file_is_warned_of_by_name() throws Exception {
        String keyBody = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC-under-a-folder-glob";
        Path privateKeys = Files.createDirectories(tree.resolve("etc/ssl/private"));
        Files.writeString(privateKeys.resolve("server.key"), "-----BEGIN PRIVATE KEY-----\n" + keyBody + "\n-----END PRIVATE KEY-----\n");
        String typo = tree + "/etc/ssl/privat";
        app.set("offsite.image.secrets", tree + "/etc/shadow," + privateKeys + "," + typo);

        OffsiteHarness.CommandResult image = app.command("image");

        assertThat(image.exit()).as(image.out()).isZero();
        assertThat(image.out()).startsWith("WARN: full backup").contains("secret files: 2")
                .contains("offsite.image.secrets: '" + typo + "' matches no file in the image").doesNotContain("'" + privateKeys + "'");
        String fullKey = TestS3.list(app.client, app.s3.bucket(), "images/").stream().map(S3Object::key)
                .filter(k -> k.endsWith("full.tar.zst")).findFirst().orElseThrow();
        String base = new String(new ZstdInputStream(new ByteArrayInputStream(get(fullKey))).readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(base).doesNotContain(keyBody).contains("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----");
        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString(), "--with-secrets",
                "--secret-key", secretKeyA.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restored.resolve(privateKeys.toString().substring(1)).resolve("server.key")).content().contains(keyBody);
    }

    @Test
    void a_malformed_key_file_fails_the_backup_naming_the_file_and_stores_nothing() throws Exception {
        Path keys = dir.resolve("keys"); // beside the two good keys
        Files.writeString(keys.resolve("broken.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n");

        OffsiteHarness.CommandResult result = app.command("image");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).startsWith("FAILED:").contains(keys.resolve("broken.asc").toString()).doesNotContain("\tat ");
        assertThat(TestS3.list(app.client, app.s3.bucket(), "images/")).as("no backup without its secrets")
                .noneMatch(o -> o.key().endsWith("manifest.json"));
    }

    @Test
    void a_backup_that_fails_after_its_image_was_planned_reports_nothing_uploaded() throws Exception {
        Files.writeString(dir.resolve("keys").resolve("broken.asc"), "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n");

        OffsiteHarness.CommandResult result = app.command("image"); // the keys are read once the compressed image is planned

        assertThat(result.out()).as(result.out()).startsWith("FAILED:").contains(", uploaded 0 B\n");
        assertThat(TestS3.list(app.client, app.s3.bucket(), "images/")).as("nothing stored").isEmpty();
    }

    @Test
    void a_keys_dir_that_is_not_a_readable_directory_fails_the_backup_naming_the_setting() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("keys.txt"), "not a folder");
        app.set("offsite.image.keys-dir", notADirectory.toString());

        OffsiteHarness.CommandResult result = app.command("image");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).startsWith("FAILED: offsite.image.keys-dir: " + notADirectory + " is not a readable directory");
        assertThat(TestS3.list(app.client, app.s3.bucket(), "images/")).noneMatch(o -> o.key().endsWith("manifest.json"));
    }

    @Test
    void a_damaged_object_or_a_broken_manifest_stops_nothing_silently() throws Exception {
        assertThat(app.command("image").exit()).isZero();
        String full = TestS3.list(app.client, app.s3.bucket(), "images/").stream().map(S3Object::key)
                .filter(k -> k.endsWith("full.tar.zst")).findFirst().orElseThrow();
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(full),
                RequestBody.fromString("not the image any more"));
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("images/19990101T000000000Z/manifest.json"),
                RequestBody.fromString("{ broken"));

        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString());

        assertThat(restore.exit()).isEqualTo(1);
        assertThat(restore.out()).contains("FAILED: " + full + " is damaged: its SHA-256 is");
        assertThat(restored.toFile().list() == null ? new String[0] : restored.toFile().list()).as("nothing extracted").isEmpty();

        OffsiteHarness.CommandResult next = app.command("image");
        assertThat(next.exit()).isZero();
        assertThat(next.out()).contains("manifest images/19990101T000000000Z/manifest.json does not parse")
                .contains("that backup is ignored");
    }

    private byte[] get(String key) {
        return app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key(key)).asByteArray();
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Every entry under root: type, mode, mtime (files), bytes or link target. */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String name = root.relativize(p).toString();
                if (name.startsWith("var/cache")) {
                    continue;
                }
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                if (Files.isSymbolicLink(p)) {
                    out.put(name, "link " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    out.put(name, "dir " + mode);
                } else {
                    out.put(name, "file " + mode + " " + Files.getLastModifiedTime(p).toMillis() / 1000 + " " + sha256(Files.readAllBytes(p)));
                }
            }
        }
        return out;
    }
}
