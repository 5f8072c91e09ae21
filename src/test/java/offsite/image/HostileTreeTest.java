package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tree whose users work against the backup: files swapped under it while it reads. */
class HostileTreeTest {

    private static final String HASH = "$6$salt$REALHASH";

    @TempDir
    Path dir;

    /** The base as the sink writes it, running the swap when the entry named before is handed over. */
    private static ImageTree.Counts base(ImageTree tree, ByteArrayOutputStream out, String before, SwapStep swap) throws Exception {
        return tree.visit(false, p -> {
            out.write(p.header());
            boolean changed = tree.writeData(p, out);
            if (p.name().endsWith(before)) {
                try {
                    swap.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return changed;
        });
    }

    interface SwapStep {
        void run() throws Exception;
    }

    @Test
    void a_directory_swapped_for_a_link_to_the_secrets_never_puts_a_secret_in_the_base() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("aaa"), "read before the swap\n");
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("shadow"), "root:" + HASH + ":19000:0:99999:7:::\n");
        Path userDir = Files.createDirectories(root.resolve("zzz/dir"));
        Files.writeString(userDir.resolve("shadow"), "a user's file, not secret by any glob\n");
        ImageTree tree = new ImageTree(new TreeSelection(List.of(root), List.of(), List.of(etc.resolve("shadow").toString()), List.of()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ImageTree.Counts counts = base(tree, out, "/aaa", () -> { // after the walk took every status, before the user's file is read
            Files.move(userDir, root.resolve("zzz/dir.old"));
            Files.createSymbolicLink(userDir, etc);
        });

        assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain(HASH);
        assertThat(counts.changed()).containsExactly(root.toString().substring(1) + "/zzz/dir/shadow");
    }

    @Test
    void a_secret_folder_bind_mounted_elsewhere_in_the_tree_is_secret_under_both_names() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path keys = Files.createDirectories(root.resolve("etc/private"));
        Files.writeString(keys.resolve("app.txt"), "SECRETKEYBODY\n");
        Path mounted = Files.createDirectories(root.resolve("srv/keys"));
        Assumptions.assumeTrue(new ProcessBuilder("mount", "--bind", keys.toString(), mounted.toString()).start().waitFor() == 0,
                "mount --bind needs root");
        try {
            ImageTree tree = new ImageTree(new TreeSelection(List.of(root), List.of(), List.of(keys.toString()), List.of()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            ImageTree.Counts counts = tree.writeBase(out); // the same device and inode under two names, one link each

            assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("SECRETKEYBODY");
            assertThat(counts.secrets()).isEqualTo(2);
        } finally {
            new ProcessBuilder("umount", mounted.toString()).start().waitFor();
        }
    }

    @Test
    void a_hard_link_in_the_roots_to_a_secret_outside_them_is_secret_under_its_own_name() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc/ssl/private")).getParent().getParent();
        Files.writeString(etc.resolve("shadow"), "root:" + HASH + ":19000:0:99999:7:::\n");
        Files.writeString(etc.resolve("ssl/private/server.key"), "-----BEGIN PRIVATE KEY-----\nKEYBODY\n-----END PRIVATE KEY-----\n");
        Path app = Files.createDirectories(dir.resolve("srv/app"));
        Files.writeString(app.resolve("readme.txt"), "public\n");
        Files.createLink(app.resolve("x"), etc.resolve("shadow"));
        Files.createLink(app.resolve("copy.key"), etc.resolve("ssl/private/server.key"));
        ImageTree tree = new ImageTree(new TreeSelection(List.of(dir.resolve("srv")), List.of(),
                List.of(etc.resolve("shadow").toString(), etc.resolve("ssl/private") + "/*.key"), List.of()));
        ByteArrayOutputStream base = new ByteArrayOutputStream();
        ByteArrayOutputStream secret = new ByteArrayOutputStream();

        ImageTree.Counts counts = tree.writeBase(base); // the secrets' own names are outside offsite.image.roots
        tree.writeSecrets(secret);

        assertThat(new String(base.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain(HASH).doesNotContain("KEYBODY");
        assertThat(counts.secrets()).isEqualTo(2);
        assertThat(counts.unmatchedSecrets()).isEmpty();
        assertThat(tree.hasSecrets()).isTrue();
        assertThat(new String(secret.toByteArray(), StandardCharsets.ISO_8859_1)).contains(HASH).contains("KEYBODY").doesNotContain("public");
    }

    @Test
    void a_hard_link_to_an_excluded_secret_is_secret_under_its_own_name() throws Exception {
        Path root = Files.createDirectories(dir.resolve("srv"));
        Path vault = Files.createDirectories(root.resolve("vault"));
        Files.writeString(vault.resolve("db.key"), "-----BEGIN PRIVATE KEY-----\nKEYBODY\n-----END PRIVATE KEY-----\n");
        Files.createLink(Files.createDirectories(root.resolve("app")).resolve("db.key.bak"), vault.resolve("db.key"));
        ImageTree tree = new ImageTree(new TreeSelection(List.of(root), List.of(vault.toString()), List.of(vault + "/*.key"), List.of()));
        ByteArrayOutputStream base = new ByteArrayOutputStream();

        ImageTree.Counts counts = tree.writeBase(base);

        assertThat(new String(base.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("KEYBODY");
        assertThat(counts.secrets()).isEqualTo(1);
    }

    @Test
    void a_secret_folder_outside_the_roots_bind_mounted_inside_them_is_secret_there() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("etc/private"));
        Files.writeString(keys.resolve("app.txt"), "SECRETKEYBODY\n");
        Path root = Files.createDirectories(dir.resolve("srv"));
        Path mounted = Files.createDirectories(root.resolve("keys"));
        Assumptions.assumeTrue(new ProcessBuilder("mount", "--bind", keys.toString(), mounted.toString()).start().waitFor() == 0,
                "mount --bind needs root");
        try {
            ImageTree tree = new ImageTree(new TreeSelection(List.of(root), List.of(), List.of(keys.toString()), List.of()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            ImageTree.Counts counts = tree.writeBase(out); // one link, the glob's folder outside offsite.image.roots

            assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1)).doesNotContain("SECRETKEYBODY");
            assertThat(counts.secrets()).isEqualTo(1);
        } finally {
            new ProcessBuilder("umount", mounted.toString()).start().waitFor();
        }
    }
}
