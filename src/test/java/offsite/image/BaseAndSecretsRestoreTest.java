package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import offsite.image.MachineTree.Node;
import offsite.testing.Gpg;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

class BaseAndSecretsRestoreTest {

    @TempDir
    Path dir;

    @Test
    void base_then_decrypted_secrets_give_back_every_file_byte_for_byte() throws Exception {
        Recipients recipients = Recipients.make(dir);
        Path root = dir.resolve("machine");
        MachineTree.write(root, MachineTree.NODES);
        ImageTree tree = new ImageTree(new TreeSelection(List.of(root), List.of(), MachineTree.secretGlobs(root), List.of()));
        ByteArrayOutputStream base = new ByteArrayOutputStream();
        ByteArrayOutputStream secrets = new ByteArrayOutputStream();
        tree.writeBase(base);
        tree.writeSecrets(secrets);
        byte[] archive = Recipients.encrypt(recipients.keysDir(), new ByteArrayInputStream(secrets.toByteArray()));

        Path restored = dir.resolve("restored");
        ImageExtractor extractor = new ImageExtractor(restored);
        extractor.extract(new ByteArrayInputStream(base.toByteArray()));
        Path shadow = restored.resolve(root.toString().substring(1)).resolve("etc/shadow");
        assertThat(shadow).content().doesNotContain(MachineTree.SHADOW_HASH);
        try (InputStream plain = SecretArchive.decrypt(new ByteArrayInputStream(archive), recipients.secretB(), null)) {
            extractor.extract(plain);
        }
        extractor.finish();

        assertThat(NodeState.of(restored.resolve(root.toString().substring(1)))).isEqualTo(NodeState.of(root));
        for (Node n : MachineTree.NODES) {
            assertThat(NodeState.of(restored.resolve(MachineTree.tarName(root, n)))).as(n.path()).isEqualTo(NodeState.of(root.resolve(n.path())));
        }
        assertThat(shadow).content().contains(MachineTree.SHADOW_HASH);
    }

    /** A secret file of a machine: its path under the root, its content, and the secret values the base must not hold. */
    record SecretFile(String path, String content, List<String> secrets) {
    }

    /** One file in each format a scrub rule knows, and one in a format none knows. */
    static final List<SecretFile> SECRET_FILES = List.of(
            new SecretFile("etc/shadow", "root:$6$e2eSalt$E2eRootHash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
                    List.of("$6$e2eSalt$E2eRootHash")),
            new SecretFile("root/.netrc", "machine api.example.com login alice password Netrc-E2e-Pw account Netrc-E2e-Acct\n",
                    List.of("Netrc-E2e-Pw", "Netrc-E2e-Acct")),
            new SecretFile("var/lib/postgresql/.pgpass", "db.example.org:5432:app:app_user:Pgpass-E2e-Pw\n", List.of("Pgpass-E2e-Pw")),
            new SecretFile("root/.docker/config.json", """
                    {
                    \t"auths": {
                    \t\t"ghcr.io": {
                    \t\t\t"auth": "RG9ja2VyLUUyZS1BdXRo",
                    \t\t\t"identitytoken": "Docker-E2e-IdToken"
                    \t\t}
                    \t},
                    \t"credsStore": "docker-e2e-store"
                    }
                    """, List.of("RG9ja2VyLUUyZS1BdXRo", "Docker-E2e-IdToken", "docker-e2e-store")),
            new SecretFile("etc/wpa_supplicant/wpa_supplicant.conf", """
                    network={
                    \tssid="Home"
                    \tpsk="Wpa-E2e-Psk"
                    \tpassword="Wpa-E2e-Pw"
                    \tprivate_key_passwd="Wpa-E2e-KeyPw"
                    }
                    """, List.of("Wpa-E2e-Psk", "Wpa-E2e-Pw", "Wpa-E2e-KeyPw")),
            new SecretFile("srv/app/app.env", """
                    DB_HOST=db.internal
                    DATABASE_URL=mysql://app:Mysql-E2e-Pw@db/app
                    CACHE=redis://:Redis-E2e-Pw@cache:6379/0
                    API_TOKEN=Env-E2e-Token
                    """, List.of("Mysql-E2e-Pw", "Redis-E2e-Pw", "Env-E2e-Token")),
            new SecretFile("root/.git-credentials", "https://alice:Git-E2e-Token@github.com\n", List.of("Git-E2e-Token")),
            new SecretFile("etc/ssl/private/server.key", "-----BEGIN PRIVATE KEY-----\nPemE2eBody0123456789\n-----END PRIVATE KEY-----\n",
                    List.of("PemE2eBody0123456789")),
            new SecretFile("etc/app/token", "Raw-E2e-Token-No-Format\n", List.of("Raw-E2e-Token-No-Format")));

    @Test
    void the_restored_base_holds_no_secret_of_any_format_and_restore_image_with_a_cv25519_key_gives_them_back() throws Exception {
        Path root = dir.resolve("machine");
        for (SecretFile f : SECRET_FILES) {
            Files.createDirectories(root.resolve(f.path()).getParent());
            Files.writeString(root.resolve(f.path()), f.content(), StandardCharsets.UTF_8);
        }
        Files.writeString(root.resolve("etc/hostname"), "excalibur\n");
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Path secretKey = dir.resolve("admin.sec.asc");
        Gpg gpg = new Gpg(dir.resolve("gpg"));
        gpg.newCurve25519Key("Admin <admin@example.org>", keys.resolve("admin.asc"), secretKey, "");

        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.set("offsite.image.roots", root.toString())
                    .set("offsite.image.secrets", SECRET_FILES.stream().map(f -> root.resolve(f.path()).toString()).collect(Collectors.joining(",")))
                    .set("offsite.image.keys-dir", keys.toString());
            OffsiteHarness.CommandResult image = app.command("image");
            assertThat(image.exit()).as(image.out()).isZero();
            assertThat(image.out()).startsWith("WARN: full backup").contains("secret files: " + SECRET_FILES.size());
            assertThat(image.out().lines().filter(l -> l.startsWith("  note:")))
                    .containsExactly("  note: secret file " + root.resolve("etc/app/token") + " is in no format a scrub rule knows:"
                            + " replaced wholesale in the base (\"x\" per line)");

            Path base = dir.resolve("base");
            OffsiteHarness.CommandResult baseOnly = app.command("restore-image", "--to", base.toString());
            assertThat(baseOnly.exit()).as(baseOnly.out()).isZero();
            Path baseRoot = base.resolve(root.toString().substring(1));
            String everyByte;
            try (Stream<Path> files = Files.walk(base)) {
                everyByte = files.filter(Files::isRegularFile).map(BaseAndSecretsRestoreTest::latin1).collect(Collectors.joining("\n"));
            }
            assertThat(SECRET_FILES.stream().flatMap(f -> f.secrets().stream())).allSatisfy(secret -> assertThat(everyByte).doesNotContain(secret));
            assertThat(baseRoot.resolve("etc/app/token")).hasContent("x");
            assertThat(baseRoot.resolve("srv/app/app.env")).content()
                    .isEqualTo("DB_HOST=db.internal\nDATABASE_URL=mysql://app:x@db/app\nCACHE=redis://:x@cache:6379/0\nAPI_TOKEN=x\n");

            String archiveKey = TestS3.list(app.client, app.s3.bucket(), "images/").stream().map(S3Object::key)
                    .filter(k -> k.endsWith("secret.tar.gpg")).findFirst().orElseThrow();
            Files.write(dir.resolve("secret.tar.gpg"), app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key(archiveKey)).asByteArray());
            assertThat(latin1(gpg.decrypt(dir.resolve("secret.tar.gpg")))).contains("Raw-E2e-Token-No-Format", "Wpa-E2e-Psk");

            Path full = dir.resolve("full");
            OffsiteHarness.CommandResult withSecrets = Recipients.withoutRegisteredBouncyCastle(
                    () -> app.command("restore-image", "--to", full.toString(), "--with-secrets", "--secret-key", secretKey.toString()));
            assertThat(withSecrets.exit()).as(withSecrets.out()).isZero();
            for (SecretFile f : SECRET_FILES) {
                assertThat(full.resolve(root.toString().substring(1)).resolve(f.path())).as(f.path()).hasBinaryContent(Files.readAllBytes(root.resolve(f.path())));
            }
            assertThat(ImageRouteTest.snapshot(full.resolve(root.toString().substring(1)))).isEqualTo(ImageRouteTest.snapshot(root));
        }
    }

    private static String latin1(Path file) {
        try {
            return latin1(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void another_hard_link_of_a_secret_file_is_scrubbed_too_and_both_names_come_back_as_one_original_inode() throws Exception {
        Recipients recipients = Recipients.make(dir);
        Path root = dir.resolve("machine");
        MachineTree.write(root, MachineTree.NODES);
        Files.createLink(root.resolve("usr/shadow-copy"), root.resolve("etc/shadow")); // no secret glob names it
        ImageTree tree = new ImageTree(new TreeSelection(List.of(root), List.of(), MachineTree.secretGlobs(root), List.of()));
        ByteArrayOutputStream base = new ByteArrayOutputStream();
        ByteArrayOutputStream secrets = new ByteArrayOutputStream();
        tree.writeBase(base);
        tree.writeSecrets(secrets);

        assertThat(latin1(base.toByteArray())).doesNotContain(MachineTree.SHADOW_HASH);
        Path restored = dir.resolve("restored");
        ImageExtractor extractor = new ImageExtractor(restored);
        extractor.extract(new ByteArrayInputStream(base.toByteArray()));
        byte[] archive = Recipients.encrypt(recipients.keysDir(), new ByteArrayInputStream(secrets.toByteArray()));
        try (InputStream plain = SecretArchive.decrypt(new ByteArrayInputStream(archive), recipients.secretB(), null)) {
            extractor.extract(plain);
        }
        extractor.finish();

        Path inside = restored.resolve(root.toString().substring(1));
        assertThat(inside.resolve("usr/shadow-copy")).content().contains(MachineTree.SHADOW_HASH);
        assertThat(Files.getAttribute(inside.resolve("usr/shadow-copy"), "unix:ino")).isEqualTo(Files.getAttribute(inside.resolve("etc/shadow"), "unix:ino"));
    }
}
