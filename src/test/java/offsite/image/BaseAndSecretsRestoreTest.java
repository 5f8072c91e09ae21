package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import offsite.image.MachineTree.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        ImageExtractor.extract(new ByteArrayInputStream(base.toByteArray()), restored);
        Path shadow = restored.resolve(root.toString().substring(1)).resolve("etc/shadow");
        assertThat(shadow).content().doesNotContain(MachineTree.SHADOW_HASH);
        try (InputStream key = Files.newInputStream(recipients.secretB());
                InputStream plain = SecretArchive.decrypt(new ByteArrayInputStream(archive), key, null)) {
            ImageExtractor.extract(plain, restored);
        }

        assertThat(NodeState.of(restored.resolve(root.toString().substring(1)))).isEqualTo(NodeState.of(root));
        for (Node n : MachineTree.NODES) {
            assertThat(NodeState.of(restored.resolve(MachineTree.tarName(root, n)))).as(n.path()).isEqualTo(NodeState.of(root.resolve(n.path())));
        }
        assertThat(shadow).content().contains(MachineTree.SHADOW_HASH);
    }
}
