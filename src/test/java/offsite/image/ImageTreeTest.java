package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTreeTest {

    @TempDir
    Path dir;

    @Test
    void the_same_tree_gives_the_same_bytes_and_excludes_drop_their_subtree() throws Exception {
        Path root = Files.createDirectories(dir.resolve("srv"));
        Files.createDirectories(root.resolve("b/cache/deep"));
        Files.writeString(root.resolve("b/cache/deep/junk"), "junk");
        Files.writeString(root.resolve("a.txt"), "alpha");
        Files.writeString(root.resolve("b/z.txt"), "zeta");
        Files.createSymbolicLink(root.resolve("link"), Path.of("a.txt"));
        Files.setLastModifiedTime(root.resolve("a.txt"), FileTime.fromMillis(1_500_000_000_123L));
        ImageTree tree = new ImageTree(List.of(root), List.of(root + "/b/cache"), List.of(), new PasswordScrubber(List.of()));

        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        ImageTree.Counts counts = tree.writeBase(first);
        tree.writeBase(second);

        assertThat(first.toByteArray()).isEqualTo(second.toByteArray());
        String tar = first.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(tar).doesNotContain("junk").contains(root.toString().substring(1) + "/b/z.txt");
        assertThat(tar.indexOf("/a.txt")).isLessThan(tar.indexOf("/b/z.txt")).isLessThan(tar.indexOf("/link"));
        assertThat(counts.entries()).isEqualTo(5); // srv, a.txt, b, b/z.txt, link
    }
}
