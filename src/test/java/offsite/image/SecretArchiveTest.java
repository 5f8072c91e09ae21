package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import offsite.testing.Gpg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SecretArchiveTest {

    @TempDir
    static Path dir;
    static Recipients recipients;
    static byte[] plainTar;
    static byte[] encrypted;

    @BeforeAll
    static void encryptTheSecretsOfAMachine() throws Exception {
        recipients = Recipients.make(dir);
        Path root = dir.resolve("machine");
        MachineTree.write(root, MachineTree.NODES);
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        new ImageTree(new TreeSelection(List.of(root), List.of(), MachineTree.secretGlobs(root), List.of())).writeSecrets(tar);
        plainTar = tar.toByteArray();
        encrypted = Recipients.encrypt(recipients.keysDir(), new ByteArrayInputStream(plainTar));
        Files.write(dir.resolve("secret.tar.gpg"), encrypted);
    }

    @Test
    void the_recipients_are_every_key_of_the_folder_armored_or_binary() throws Exception {
        assertThat(SecretKeys.load(recipients.keysDir())).hasSize(2);
        assertThat(new String(plainTar, StandardCharsets.ISO_8859_1)).contains(MachineTree.SHADOW_HASH, "Hunter2Hunter2");
    }

    @Test
    void stock_gpg_opens_it_with_either_recipients_key() throws Exception {
        for (Gpg home : List.of(recipients.a(), recipients.b())) {
            assertThat(home.decrypt(dir.resolve("secret.tar.gpg"))).isEqualTo(plainTar);
        }
        String packets = new String(recipients.a().run(null, "--batch", "--list-packets", dir.resolve("secret.tar.gpg").toString()));
        assertThat(packets).contains("encrypted data packet", "mdc_method: 2");
        assertThat(packets.lines().filter(l -> l.contains("pubkey enc packet"))).hasSize(2);
    }

    @Test
    void our_decryptor_opens_it_with_either_private_key_file() throws Exception {
        assertThat(Recipients.decrypt(encrypted, recipients.secretA())).isEqualTo(plainTar);
        assertThat(Recipients.decrypt(encrypted, recipients.secretB())).isEqualTo(plainTar);
    }

    /** A recipient's key as stock gpg makes it; passphrase "" for a secret key without one. */
    record KeyKind(String name, boolean curve25519, String passphrase) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<KeyKind> key_kinds() {
        return Stream.of(
                new KeyKind("rsa3072, gpg's default", false, ""),
                new KeyKind("ed25519 with a cv25519 encryption subkey", true, ""),
                new KeyKind("ed25519 with a cv25519 encryption subkey, passphrase-protected", true, "correct horse battery"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("key_kinds")
    void an_archive_to_each_kind_of_key_opens_with_stock_gpg_and_with_our_decryptor(KeyKind kind, @TempDir Path own) throws Exception {
        Path keys = Files.createDirectories(own.resolve("keys"));
        Path secretKey = own.resolve("admin.sec.asc");
        Gpg gpg = new Gpg(own.resolve("gpg"));
        if (kind.curve25519()) {
            gpg.newCurve25519Key("Admin <admin@example.org>", keys.resolve("admin.asc"), secretKey, kind.passphrase());
        } else {
            gpg.newKey("Admin <admin@example.org>", keys.resolve("admin.asc"), secretKey);
        }
        byte[] archive = Recipients.encrypt(keys, new ByteArrayInputStream(plainTar));
        Files.write(own.resolve("secret.tar.gpg"), archive);

        assertThat(gpg.run(null, "--batch", "--pinentry-mode", "loopback", "--passphrase", kind.passphrase(), "--decrypt",
                own.resolve("secret.tar.gpg").toString())).isEqualTo(plainTar);
        assertThat(Recipients.decrypt(archive, secretKey, kind.passphrase().toCharArray())).isEqualTo(plainTar);
    }

    @Test
    void a_changed_byte_fails_the_integrity_check_instead_of_giving_wrong_files() throws Exception {
        byte[] damaged = encrypted.clone();
        damaged[damaged.length - 40] ^= 0x01;

        assertThatThrownBy(() -> Recipients.decrypt(damaged, recipients.secretA())).hasMessageContaining("secret archive");
    }

    /** A key file that cannot open the archive, the passphrase given with it, and the words that must say why. */
    record WrongKey(String what, KeyFile file, String passphrase, String said) {
        @Override
        public String toString() {
            return what;
        }
    }

    /** Makes the key file of a case in its own folder; a recipient's public key goes to its keys/ folder. */
    @FunctionalInterface
    interface KeyFile {
        Path make(Path own) throws Exception;
    }

    static final String PASSPHRASE = "Passphrase-Of-Admin-C-6602";

    static Stream<WrongKey> wrongKeys() {
        KeyFile protectedRecipient = own -> {
            new Gpg(own.resolve("gpg")).newKey("Admin C <c@example.org>", own.resolve("keys/c.asc"), own.resolve("c-secret.asc"), PASSPHRASE);
            return own.resolve("c-secret.asc");
        };
        return Stream.of(
                new WrongKey("a key that is no recipient", own -> {
                    new Gpg(own.resolve("gpg")).newKey("Stranger <s@example.org>", own.resolve("s.asc"), own.resolve("s-secret.asc"));
                    return own.resolve("s-secret.asc");
                }, null, "the key is not one of the secret archive's recipients (the archive is for key "),
                new WrongKey("a recipient's public key given for its private one", own -> recipients.keysDir().resolve("a.asc"), null,
                        "not an OpenPGP private key file (a public key, or damaged"),
                new WrongKey("a file that is no key", own -> Files.writeString(own.resolve("notes.asc"), "hello"), null,
                        "not an OpenPGP private key file"),
                new WrongKey("no file there", own -> own.resolve("missing.asc"), null, "cannot read it (NoSuchFileException)"),
                new WrongKey("a key protected by a passphrase, none given", protectedRecipient, null,
                        "the key is protected by a passphrase: name the environment variable that holds it with --passphrase-env"),
                new WrongKey("a key protected by a passphrase, a wrong one given", protectedRecipient, "not-" + PASSPHRASE,
                        "the passphrase given with --passphrase-env does not unlock the key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongKeys")
    void a_key_that_cannot_open_the_archive_is_named_with_what_is_wrong_and_never_with_its_passphrase(WrongKey c, @TempDir Path own)
            throws Exception {
        Path keys = Files.createDirectories(own.resolve("keys"));
        Files.copy(recipients.keysDir().resolve("a.asc"), keys.resolve("a.asc"));
        Path file = c.file().make(own);
        byte[] archive = Recipients.encrypt(keys, new ByteArrayInputStream(plainTar));

        assertThatThrownBy(() -> Recipients.decrypt(archive, file, c.passphrase() == null ? null : c.passphrase().toCharArray()))
                .hasMessageStartingWith("--secret-key " + file + ": ").hasMessageContaining(c.said()).message().doesNotContain(PASSPHRASE);
    }
}
