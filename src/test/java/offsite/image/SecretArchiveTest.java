package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import offsite.testing.Gpg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertThat(new String(plainTar, java.nio.charset.StandardCharsets.ISO_8859_1)).contains(MachineTree.SHADOW_HASH, "Hunter2Hunter2");
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

    @Test
    void a_changed_byte_fails_the_integrity_check_instead_of_giving_wrong_files() throws Exception {
        byte[] damaged = encrypted.clone();
        damaged[damaged.length - 40] ^= 0x01;

        assertThatThrownBy(() -> Recipients.decrypt(damaged, recipients.secretA())).hasMessageContaining("secret archive");
    }

    @Test
    void a_key_that_is_no_recipient_is_told_so() throws Exception {
        Path other = dir.resolve("other");
        new Gpg(other.resolve("gpg")).newKey("Stranger <s@example.org>", other.resolve("s.asc"), other.resolve("s-secret.asc"));

        assertThatThrownBy(() -> Recipients.decrypt(encrypted, other.resolve("s-secret.asc")))
                .hasMessageContaining("not one of the secret archive's recipients");
    }
}
