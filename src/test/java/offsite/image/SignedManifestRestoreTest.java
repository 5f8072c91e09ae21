package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import offsite.testing.Gpg;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Image manifests signed with offsite.image.signing-key, checked by restore-image against offsite.image.verify-key: a
 * complete image, then a diff on it, each with manifest.json.asc beside its manifest.json in in-process S3Proxy.
 */
class SignedManifestRestoreTest {

    static final String SIGNER = "Offsite Signer <sign@example.org>";
    static final String OTHER = "Someone Else <other@example.org>";

    @TempDir
    Path dir;

    OffsiteHarness app;
    Gpg signer;
    Path signerPublic;
    String signerKeyId;
    String fullId;
    String diffId;

    @BeforeEach
    void signedBackups() throws Exception {
        app = new OffsiteHarness(dir);
        signer = new Gpg(dir.resolve("gpg-signer"));
        signerPublic = signer.newKey(SIGNER, dir.resolve("signer.asc"), dir.resolve("signer-secret.asc"));
        String fingerprint = signer.fingerprint(SIGNER);
        signerKeyId = fingerprint.substring(fingerprint.length() - 16);
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        app.set("offsite.image.roots", tree.getParent().toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString())
                .set("offsite.image.signing-key", dir.resolve("signer-secret.asc").toString());
        assertThat(app.command("image").exit()).isZero();
        Files.writeString(tree.resolve("hostname"), "excalibur-2\n");
        assertThat(app.command("image").exit()).isZero();
        Map<String, String> stored = app.bucketFiles("images/");
        fullId = stored.keySet().stream().filter(k -> k.endsWith("/full.tar.zst")).findFirst().orElseThrow().replace("/full.tar.zst", "");
        diffId = stored.keySet().stream().filter(k -> k.endsWith("/delta.zst")).findFirst().orElseThrow().replace("/delta.zst", "");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void each_backup_stores_a_signature_beside_its_manifest() {
        assertThat(app.bucketFiles("images/").keySet()).contains(fullId + "/manifest.json.asc", diffId + "/manifest.json.asc");
        assertThat(new String(object(diffId + "/manifest.json.asc"), StandardCharsets.US_ASCII)).startsWith("-----BEGIN PGP SIGNATURE-----");
    }

    @Test
    void stock_gpg_verifies_the_stored_signature_of_a_manifest() throws Exception {
        Gpg verifier = new Gpg(dir.resolve("gpg-verifier"));
        verifier.run(null, "--batch", "--import", signerPublic.toString());
        for (String id : new String[] {fullId, diffId}) {
            Path manifest = Files.write(dir.resolve(id + "-manifest.json"), object(id + "/manifest.json"));
            Path signature = Files.write(dir.resolve(id + "-manifest.json.asc"), object(id + "/manifest.json.asc"));

            String status = new String(verifier.run(null, "--batch", "--status-fd", "1", "--verify", signature.toString(), manifest.toString()),
                    StandardCharsets.UTF_8);

            assertThat(status).as(id).contains("[GNUPG:] GOODSIG " + signerKeyId + " " + SIGNER).contains("[GNUPG:] VALIDSIG ");
        }
    }

    @Test
    void a_signed_diff_restores_naming_the_good_signature_of_it_and_of_its_complete_image() throws Exception {
        app.set("offsite.image.verify-key", signerPublic.toString());

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restore.out()).startsWith("OK: restored diff backup " + diffId)
                .endsWith("\nbackup " + diffId + ": manifest signed by " + signerKeyId + " (" + SIGNER + "): good\n"
                        + "backup " + fullId + ": manifest signed by " + signerKeyId + " (" + SIGNER + "): good\n");
        assertThat(dir.resolve("restored").resolve(dir.resolve("machine/etc/hostname").toString().substring(1))).hasContent("excalibur-2");
    }

    @Test
    void a_manifest_with_a_rewritten_sha256_is_refused_with_nothing_restored() throws Exception {
        app.set("offsite.image.verify-key", signerPublic.toString());
        String manifest = new String(object(diffId + "/manifest.json"), StandardCharsets.UTF_8);
        String sha = manifest.replaceAll("(?s).*\"sha256\" : \"([0-9a-f]{64})\".*", "$1");
        put(diffId + "/manifest.json", manifest.replace(sha, "0".repeat(64)).getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = app.bucketFiles("images/");

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).contains("FAILED: backup " + diffId + " refused: images/" + diffId + "/manifest.json.asc: it does not match"
                + " the manifest's bytes (the manifest or the signature was changed); offsite.image.verify-key (" + signerPublic + ") requires"
                + " a good signature by that key on every manifest restored");
        assertThat(dir.resolve("restored")).doesNotExist();
        assertThat(app.bucketFiles("images/")).isEqualTo(before);
    }

    @Test
    void verify_image_with_the_verify_key_finds_every_signature_good_and_rebuilds_from_the_signed_manifests() throws Exception {
        app.set("offsite.image.verify-key", signerPublic.toString());

        OffsiteHarness.CommandResult check = app.command("verify-image", "--deep");

        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).containsPattern("(?m)^ok +" + diffId + "  diff on " + fullId + " +1 object\\(s\\) at their sizes,"
                + " manifest signatures good$").contains("rebuilt  " + diffId).contains("; every manifest's signature good")
                .doesNotContain("not checked");
    }

    @Test
    void verify_image_names_a_backup_whose_manifest_no_longer_matches_its_signature() throws Exception {
        String manifest = new String(object(diffId + "/manifest.json"), StandardCharsets.UTF_8);
        String sha = manifest.replaceAll("(?s).*\"sha256\" : \"([0-9a-f]{64})\".*", "$1");
        put(diffId + "/manifest.json", manifest.replace(sha, "0".repeat(64)).getBytes(StandardCharsets.UTF_8));

        OffsiteHarness.CommandResult unchecked = app.command("verify-image");
        OffsiteHarness.CommandResult check = app.command("verify-image", "--verify-key", signerPublic.toString());

        assertThat(unchecked.exit()).as("without a key the sizes alone are compared: " + unchecked.out()).isZero();
        assertThat(unchecked.out()).contains("note: the manifests' signatures were not checked (no offsite.image.verify-key or"
                + " --verify-key)");
        assertThat(check.exit()).as(check.out()).isEqualTo(1);
        assertThat(check.out()).containsPattern("(?m)^ok +" + fullId + "  full ")
                .contains("BROKEN   " + diffId + "  diff on " + fullId).contains("backup " + diffId + " refused: images/" + diffId
                        + "/manifest.json.asc: it does not match the manifest's bytes").contains("FAILED: 1 of 2 backup(s) of host ");
    }

    @Test
    void a_signature_swapped_for_one_by_another_key_is_refused() throws Exception {
        app.set("offsite.image.verify-key", signerPublic.toString());
        Gpg other = new Gpg(dir.resolve("gpg-other"));
        other.newKey(OTHER, dir.resolve("other.asc"), dir.resolve("other-secret.asc"));
        String otherFingerprint = other.fingerprint(OTHER);
        put(diffId + "/manifest.json.asc", other.run(object(diffId + "/manifest.json"), "--batch", "--armor", "--detach-sign"));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).contains("FAILED: backup " + diffId + " refused: images/" + diffId + "/manifest.json.asc: it was made by key "
                + otherFingerprint.substring(otherFingerprint.length() - 16) + ", which is not the key of offsite.image.verify-key ("
                + signerPublic + ")");
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    @Test
    void a_deleted_signature_is_refused() throws Exception {
        app.set("offsite.image.verify-key", signerPublic.toString());
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("images/" + diffId + "/manifest.json.asc"));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).contains("FAILED: backup " + diffId + " refused: images/" + diffId + "/manifest.json.asc: it is not in the"
                + " bucket: the manifest is unsigned; offsite.image.verify-key (" + signerPublic + ")");
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    @Test
    void a_signature_that_is_not_openpgp_is_refused() throws Exception {
        app.set("offsite.image.verify-key", signerPublic.toString());
        put(diffId + "/manifest.json.asc", "-----BEGIN PGP SIGNATURE-----\n\nbm90IGEgc2lnbmF0dXJl\n-----END PGP SIGNATURE-----\n"
                .getBytes(StandardCharsets.US_ASCII));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).containsPattern("FAILED: backup " + diffId + " refused: images/" + diffId + "/manifest.json.asc: it is not"
                + " (one|an) OpenPGP signature").contains("offsite.image.verify-key (" + signerPublic + ")");
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    @Test
    void a_diff_on_a_complete_image_whose_manifest_was_changed_is_refused() throws Exception {
        app.set("offsite.image.verify-key", signerPublic.toString());
        String manifest = new String(object(fullId + "/manifest.json"), StandardCharsets.UTF_8);
        String sha = manifest.replaceAll("(?s).*\"imageSha256\" : \"([0-9a-f]{64})\".*", "$1");
        put(fullId + "/manifest.json", manifest.replace(sha, "f".repeat(64)).getBytes(StandardCharsets.UTF_8));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).contains("FAILED: backup " + fullId + " refused: images/" + fullId + "/manifest.json.asc: it does not match the manifest's bytes");
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    @Test
    void the_verify_key_option_is_the_key_signatures_are_checked_against() throws Exception {
        Gpg other = new Gpg(dir.resolve("gpg-other"));
        Path otherPublic = other.newKey(OTHER, dir.resolve("other.asc"), dir.resolve("other-secret.asc"));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--verify-key", otherPublic.toString(), "--to",
                dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).contains("FAILED: backup " + diffId + " refused: images/" + diffId + "/manifest.json.asc: it was made by key "
                + signerKeyId + ", which is not the key of --verify-key " + otherPublic);
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    @Test
    void without_a_verify_key_the_restore_says_the_signature_was_not_checked() throws Exception {
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("images/" + fullId + "/manifest.json.asc"));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restore.out()).startsWith("OK: restored diff backup " + diffId).endsWith("\nnote: the manifest's signature was not checked"
                + " (no offsite.image.verify-key or --verify-key): backup " + diffId + " has one (images/" + diffId + "/manifest.json.asc); its"
                + " complete image " + fullId + " has none (no images/" + fullId + "/manifest.json.asc)\n");
    }

    @Test
    void retention_deletes_a_backups_signature_with_it() throws Exception {
        app.set("offsite.image.keep", "1l");

        OffsiteHarness.CommandResult full = app.command("image", "--full");

        assertThat(full.exit()).as(full.out()).isZero();
        Map<String, String> left = app.bucketFiles("images/");
        assertThat(left.keySet()).noneMatch(k -> k.startsWith(fullId + "/") || k.startsWith(diffId + "/"));
        assertThat(left.keySet()).filteredOn(k -> k.endsWith("/manifest.json.asc")).hasSize(1);
    }

    @Test
    void the_status_page_and_inventory_show_signed_backups_with_their_signatures_counted() throws Exception {
        Main running = app.startRunning();
        try {
            HttpResponse<String> page = app.get("/", null);
            JsonNode inventory = new ObjectMapper().readTree(app.get("/api/inventory", null).body());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(app.get("/api/status", null).statusCode()).isEqualTo(200);
            assertThat(inventory.at("/imageBackups").findValuesAsText("id")).containsExactly(diffId, fullId);
            assertThat(inventory.at("/images/objects").asInt()).as("each backup's data object, manifest and signature").isEqualTo(6);
            assertThat(page.body()).contains(diffId).contains(fullId);
        } finally {
            running.stop();
        }
    }

    private byte[] object(String key) {
        return app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key("images/" + key)).asByteArray();
    }

    private void put(String key, byte[] bytes) {
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("images/" + key), RequestBody.fromBytes(bytes));
    }
}
