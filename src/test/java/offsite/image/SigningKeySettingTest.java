package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import offsite.testing.Gpg;
import offsite.testing.LogLines;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** offsite.image.signing-key and its passphrase: a key that cannot sign stops `image` at start (exit 2), nothing stored. */
class SigningKeySettingTest {

    static final String SIGNER = "Offsite Signer <sign@example.org>";
    static final String PASSPHRASE = "Signing-Pass-4711";

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void machine() throws Exception {
        app = new OffsiteHarness(dir);
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        app.set("offsite.image.roots", tree.getParent().toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void a_missing_signing_key_file_stops_the_backup_at_start() throws Exception {
        Path missing = dir.resolve("nowhere/signer-secret.asc");
        app.set("offsite.image.signing-key", missing.toString());

        Refusal image = commandErr("image");

        assertThat(image.exit()).isEqualTo(2);
        assertThat(image.err()).contains("offsite: offsite.image.signing-key: '" + missing + "' is not valid (expected a readable file holding an"
                + " OpenPGP secret key (NoSuchFileException: this process cannot read it))");
        assertThat(app.bucketFiles("images/")).isEmpty();
    }

    @Test
    void a_public_key_given_as_the_signing_key_stops_the_backup_at_start() throws Exception {
        Path publicKey = new Gpg(dir.resolve("gpg")).newKey(SIGNER, dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"));
        app.set("offsite.image.signing-key", publicKey.toString());

        Refusal image = commandErr("image");

        assertThat(image.exit()).isEqualTo(2);
        assertThat(image.err()).contains("offsite: offsite.image.signing-key: '" + publicKey + "' is not valid (expected an OpenPGP secret key"
                + " file (it is a public key, or damaged; export one with gpg --armor --export-secret-keys ID))");
    }

    @Test
    void a_wrong_passphrase_stops_the_backup_at_start_without_being_shown() throws Exception {
        new Gpg(dir.resolve("gpg")).newCurve25519Key(SIGNER, dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"), PASSPHRASE);
        app.set("offsite.image.signing-key", dir.resolve("signer-secret.asc").toString())
                .set("offsite.image.signing-passphrase", "Not-The-Pass-0815");

        Refusal image;
        List<String> logged;
        try (LogLines log = new LogLines()) {
            image = commandErr("image");
            logged = log.lines();
        }

        assertThat(image.exit()).isEqualTo(2);
        assertThat(image.err()).contains("offsite: offsite.image.signing-key: '" + dir.resolve("signer-secret.asc") + "' is not valid"
                + " (expected a key that offsite.image.signing-passphrase unlocks: the passphrase set does not)")
                .doesNotContain("Not-The-Pass-0815").doesNotContain(PASSPHRASE);
        assertThat(logged).noneMatch(l -> l.contains("Not-The-Pass-0815") || l.contains(PASSPHRASE));
        assertThat(app.bucketFiles("images/")).isEmpty();
    }

    @Test
    void a_key_with_a_passphrase_and_none_set_stops_the_backup_at_start() throws Exception {
        new Gpg(dir.resolve("gpg")).newCurve25519Key(SIGNER, dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"), PASSPHRASE);
        app.set("offsite.image.signing-key", dir.resolve("signer-secret.asc").toString());

        Refusal image = commandErr("image");

        assertThat(image.exit()).isEqualTo(2);
        assertThat(image.err()).contains("(expected a key this process can unlock: it is protected by a passphrase, set"
                + " offsite.image.signing-passphrase)");
    }

    @Test
    void an_ed25519_key_unlocked_by_its_passphrase_signs_what_gpg_verifies() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gpg"));
        Path publicKey = gpg.newCurve25519Key(SIGNER, dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"), PASSPHRASE);
        app.set("offsite.image.signing-key", dir.resolve("signer-secret.asc").toString()).set("offsite.image.signing-passphrase", PASSPHRASE);

        OffsiteHarness.CommandResult image;
        List<String> logged;
        try (LogLines log = new LogLines()) {
            image = app.command("image");
            logged = log.lines();
        }

        assertThat(image.exit()).as(image.out()).isZero();
        assertThat(image.out()).doesNotContain(PASSPHRASE);
        assertThat(logged).isNotEmpty().noneMatch(l -> l.contains(PASSPHRASE));
        String status = gpgVerify(publicKey);
        assertThat(status).contains("[GNUPG:] GOODSIG ").contains(SIGNER);

        app.set("offsite.image.verify-key", publicKey.toString());
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restore.out()).contains("manifest signed by ").contains("(" + SIGNER + "): good");
    }

    @Test
    void a_signing_key_that_expires_within_a_month_is_a_warning_at_start_and_in_one_backup_then_a_note() throws Exception {
        new Gpg(dir.resolve("gpg")).newExpiringKey(SIGNER, dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"), null, "10d");
        app.set("offsite.image.signing-key", dir.resolve("signer-secret.asc").toString());

        OffsiteHarness.CommandResult first;
        List<String> logged;
        try (LogLines log = new LogLines()) {
            first = app.command("image");
            logged = log.lines();
        }
        OffsiteHarness.CommandResult second = app.command("image");

        String expires = "offsite.image.signing-key: key ";
        String day = " expires on " + LocalDate.now(ZoneOffset.UTC).plusDays(10) + " (UTC): extend it (gpg --quick-set-expire ";
        assertThat(logged).as("at start and in the backup").filteredOn(l -> l.startsWith("WARN " + expires) && l.contains(day)).hasSize(2);
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).startsWith("WARN: ").contains(day).contains("export it again into " + dir.resolve("signer-secret.asc"));
        assertThat(second.exit()).as(second.out()).isZero();
        assertThat(second.out()).startsWith("OK: ").contains("still, as the backup before said: " + expires).contains(day);
        assertThat(app.bucketFiles("images/").keySet()).filteredOn(k -> k.endsWith("/manifest.json.asc")).as("both signed").hasSize(2);
    }

    @Test
    void a_signing_key_that_has_expired_still_signs_and_says_so_once_and_gpg_names_the_key_expired() throws Exception {
        Path publicKey = new Gpg(dir.resolve("gpg")).newExpiringKey(SIGNER, dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"),
                "20200101T000000", "1d");
        app.set("offsite.image.signing-key", dir.resolve("signer-secret.asc").toString());

        OffsiteHarness.CommandResult first = app.command("image");
        OffsiteHarness.CommandResult second = app.command("image");

        String expired = "offsite.image.signing-key: key ";
        String day = " expired on 2020-01-02 (UTC): the manifests signed since carry a signature of an expired key, which gpg --verify"
                + " reports as EXPKEYSIG; extend it";
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).startsWith("WARN: ").contains(expired).contains(day);
        assertThat(second.out()).startsWith("OK: ").contains("still, as the backup before said: " + expired).contains(day);
        String status = gpgVerify(publicKey);
        assertThat(status).contains("[GNUPG:] EXPKEYSIG ").contains(SIGNER);

        app.set("offsite.image.verify-key", publicKey.toString());
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());
        assertThat(restore.exit()).as("the key's own signatures still restore: " + restore.out()).isZero();
    }

    @Test
    void a_verify_key_that_is_no_public_key_stops_the_restore_at_start() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("verify.asc"), "not a key\n");
        app.set("offsite.image.verify-key", notAKey.toString());

        Refusal restore = commandErr("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).isEqualTo(2);
        assertThat(restore.err()).contains("offsite: offsite.image.verify-key: '" + notAKey + "' is not valid (expected an OpenPGP public key,"
                + " the output of gpg --armor --export ID");
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    /** What stock gpg --verify says (its status lines) of a stored manifest's signature, with only this public key imported. */
    private String gpgVerify(Path publicKey) throws Exception {
        String manifestKey = app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("/manifest.json")).findFirst().orElseThrow();
        Path manifest = Files.write(dir.resolve("manifest.json"), object("images/" + manifestKey));
        Path signature = Files.write(dir.resolve("manifest.json.asc"), object("images/" + manifestKey + ".asc"));
        Gpg verifier = new Gpg(dir.resolve("gpg-verifier"));
        verifier.run(null, "--batch", "--import", publicKey.toString());
        return new String(verifier.run(null, "--batch", "--status-fd", "1", "--verify", signature.toString(), manifest.toString()),
                StandardCharsets.UTF_8);
    }

    private byte[] object(String key) {
        return app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key(key)).asByteArray();
    }

    /** A command's exit code and what it wrote to standard error. */
    private record Refusal(int exit, String err) {
    }

    private Refusal commandErr(String... args) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Refusal(app.command(args).exit(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }
}
