package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import offsite.delta.Signature;
import offsite.delta.SignatureParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17, point 4: a diff copies the entries that did not change from the complete image and matches only the
 * others, and stock rdiff still rebuilds exactly the tar of the tree, whose SHA-256 the pass gives.
 */
class ImageDeltaTest {

    @TempDir
    Path dir;
    Path root;
    Path index;
    byte[] complete;
    byte[] signature;

    /** What changes between the complete image and the diff, and how many entries the diff must match. */
    record Change(String what, Action action, int matched) {
        @Override
        public String toString() {
            return what;
        }
    }

    interface Action {
        void apply(ImageDeltaTest test, Path root) throws Exception;
    }

    static Stream<Change> changes() {
        return Stream.of(
                new Change("nothing", (t, r) -> { }, 0),
                new Change("a file edited in place", (t, r) -> edit(r.resolve("srv/big.bin"), 1 << 20), 1),
                new Change("a file appended to", (t, r) -> Files.write(r.resolve("srv/big.bin"), new byte[100],
                        StandardOpenOption.APPEND), 1),
                new Change("a file added: it and its directory", (t, r) -> Files.writeString(r.resolve("srv/app/new.txt"), "new"), 2),
                new Change("a file deleted: its directory", (t, r) -> Files.delete(r.resolve("srv/cache/blob.bin")), 1),
                new Change("a mode changed", (t, r) -> Files.setAttribute(r.resolve("usr/tool"), "unix:mode", 0750), 1),
                new Change("an extended attribute set", (t, r) -> Tools.run(t.dir, null, "setfattr", "-n", "user.x", "-v", "1",
                        r.resolve("etc/hostname").toString()), 1),
                new Change("an edit with its mtime put back", (t, r) -> {
                    FileTime mtime = Files.getLastModifiedTime(r.resolve("etc/hostname"));
                    Files.writeString(r.resolve("etc/hostname"), "MACHINE\n");
                    Files.setLastModifiedTime(r.resolve("etc/hostname"), mtime);
                }, 1),
                new Change("an edit that kept every status field (its bytes differ from the index's)", (t, r) -> {
                    edit(r.resolve("srv/big.bin"), 4096);
                    t.indexWithCurrentStatus();
                }, 1),
                new Change("a second hard link: the first name, the link, the directory", (t, r) ->
                        Files.createLink(r.resolve("usr/tool-link"), r.resolve("usr/tool")), 3),
                new Change("a secret file's value changed", (t, r) -> Files.writeString(r.resolve("srv/app/app.env"),
                        Files.readString(r.resolve("srv/app/app.env")).replace("Hunter2Hunter2", "Hunter3Hunter3")), 1));
    }

    @BeforeEach
    void completeImage() throws Exception {
        root = dir.resolve("machine");
        MachineTree.write(root, MachineTree.NODES);
        byte[] big = new byte[3 << 20];
        new Random(5).nextBytes(big);
        Files.write(root.resolve("srv/big.bin"), big);
        index = dir.resolve("complete.idx");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (ImageIndex.Writer writer = new ImageIndex.Writer(index, "complete-1", tree().fingerprint())) {
            tree().writeBase(tar, writer);
        }
        complete = tar.toByteArray();
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        Signature.write(new ByteArrayInputStream(complete), SignatureParameters.rdiffDefaults(complete.length), sig);
        signature = sig.toByteArray();
    }

    ImageTree tree() {
        return new ImageTree(new TreeSelection(List.of(root), List.of(), MachineTree.secretGlobs(root), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void stock_rdiff_rebuilds_the_tree_s_tar_from_copies_of_what_did_not_change(Change change) throws Exception {
        change.action().apply(this, root);
        ByteArrayOutputStream delta = new ByteArrayOutputStream();

        ImageDelta.Result result;
        try (ImageIndex.Reader reader = ImageIndex.Reader.open(index)) {
            result = ImageDelta.write(tree(), Signature.read(new ByteArrayInputStream(signature)), reader, delta, n -> { });
        }

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ImageTree.Counts counts = tree().writeBase(expected);
        assertThat(rdiffPatch(delta.toByteArray())).isEqualTo(expected.toByteArray());
        assertThat(result.imageSha256()).isEqualTo(ImageRouteTest.sha256(expected.toByteArray()));
        assertThat(result.imageBytes()).isEqualTo(expected.size());
        assertThat(result.matchedEntries()).as("entries matched against the signature").isEqualTo(change.matched());
        assertThat(result.copiedEntries()).as("entries copied from the complete image").isEqualTo(counts.entries() - change.matched());
    }

    @Test
    void without_an_index_every_entry_is_matched_and_the_delta_is_the_same_tar() throws Exception {
        edit(root.resolve("srv/big.bin"), 2 << 20);
        ByteArrayOutputStream delta = new ByteArrayOutputStream();

        ImageDelta.Result result = ImageDelta.write(tree(), Signature.read(new ByteArrayInputStream(signature)), null, delta, n -> { });

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        tree().writeBase(expected);
        assertThat(rdiffPatch(delta.toByteArray())).isEqualTo(expected.toByteArray());
        assertThat(result.copiedEntries()).isZero();
    }

    static Stream<Change> damages() {
        return Stream.of(
                new Change("a byte of a digest flipped", (t, r) -> t.flip(t.index, -40), 0),
                new Change("cut short", (t, r) -> Files.write(t.index, Arrays.copyOf(Files.readAllBytes(t.index),
                        (int) Files.size(t.index) / 2)), 0),
                new Change("not an index", (t, r) -> Files.writeString(t.index, "garbage"), 0),
                new Change("a header that does not parse (the id's length)", (t, r) -> t.flip(t.index, 8 - (int) Files.size(t.index)), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void a_damaged_index_fails_the_pass_naming_the_file(Change damage) throws Exception {
        damage.action().apply(this, root);

        assertThatThrownBy(() -> {
            try (ImageIndex.Reader reader = ImageIndex.Reader.open(index)) {
                ImageDelta.write(tree(), Signature.read(new ByteArrayInputStream(signature)), reader, new ByteArrayOutputStream(), n -> { });
            }
        }).isInstanceOf(ImageIndex.Damaged.class).hasMessageContaining(index.toString());
    }

    /** Rewrites the index with each file's current status but the complete image's digests: an edit no status shows. */
    void indexWithCurrentStatus() throws Exception {
        Path rewritten = dir.resolve("rewritten.idx");
        try (ImageIndex.Reader old = ImageIndex.Reader.open(index); ImageIndex.Writer writer = new ImageIndex.Writer(rewritten, old.completeId(), old.fingerprint())) {
            tree().visit(false, p -> {
                ImageIndex.Entry e = old.find(p.name());
                writer.add(p.name(), e.offset(), e.length(), p.entry().isFile() ? p.status() : null, e.sha256());
                return false;
            });
        }
        Files.move(rewritten, index, StandardCopyOption.REPLACE_EXISTING);
    }

    void flip(Path file, int fromEnd) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length + fromEnd] ^= 1;
        Files.write(file, bytes);
    }

    static void edit(Path file, int at) throws Exception {
        try (var channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("edited".getBytes()), at);
        }
    }

    private byte[] rdiffPatch(byte[] delta) throws Exception {
        Files.write(dir.resolve("complete.tar"), complete);
        Files.write(dir.resolve("delta"), delta);
        Tools.run(dir, null, "rdiff", "-f", "patch", "complete.tar", "delta", "rebuilt.tar");
        return Files.readAllBytes(dir.resolve("rebuilt.tar"));
    }
}
