package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import offsite.image.MachineTree.Node;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageTreeTest {

    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void machine() throws Exception {
        root = dir.resolve("machine");
        MachineTree.write(root, MachineTree.NODES);
    }

    private byte[] base(List<String> excludes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ImageTree(new TreeSelection(List.of(root), excludes, MachineTree.secretGlobs(root), List.of())).writeBase(out);
        return out.toByteArray();
    }

    @Test
    void the_base_holds_no_secret_value_but_every_secret_file_in_its_place() throws Exception {
        byte[] tar = base(List.of());
        String text = new String(tar, StandardCharsets.ISO_8859_1);

        assertThat(MachineTree.SECRET_VALUES).allSatisfy(secret -> assertThat(text).doesNotContain(secret));
        Path out = Files.createDirectories(dir.resolve("out"));
        Tools.run(dir, tar, "tar", "-xpf", "-", "-C", out.toString());
        Path etc = out.resolve(MachineTree.tarName(root, MachineTree.NODES.get(0)));
        assertThat(etc.resolve("shadow")).hasContent("root:x:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:!:19000::::::");
        assertThat(etc.resolve("ssl/private/server.key")).hasContent("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----");
        assertThat(Files.readString(etc.resolve("../srv/app/app.env"))).isEqualTo(
                "DB_HOST=db.internal\ndb_password=x\nAPI_TOKEN: x\r\nclient-secret = \"x\"\n");
    }

    @Test
    void the_same_tree_gives_the_same_bytes_twice() throws Exception {
        byte[] first = base(List.of());
        Tools.run(dir, null, "cat", root.resolve("etc/hostname").toString()); // reading changes atime only
        byte[] second = base(List.of());

        assertThat(second).isEqualTo(first);
    }

    @Test
    void stock_tar_lists_every_name_and_mode_and_extracts_the_same_files() throws Exception {
        byte[] tar = base(List.of());
        String listing = Tools.run(dir, tar, "tar", "--quoting-style=literal", "-tvf", "-");
        Path out = Files.createDirectories(dir.resolve("out"));
        Tools.run(dir, tar, "tar", "-xpf", "-", "-C", out.toString());

        assertThat(listing.lines().map(l -> l.split("\\s+")[0] + " " + l.substring(l.indexOf(" " + root.toString().substring(1)) + 1)).toList())
                .containsExactlyElementsOf(Stream.concat(Stream.of("drwxr-xr-x " + root.toString().substring(1) + "/"),
                        MachineTree.NODES.stream().sorted((a, b) -> TreeWalk.BYTE_ORDER.compare(a.path(), b.path()))
                                .map(n -> Tools.permissions(n) + " " + MachineTree.tarName(root, n) + (n.content() == null && n.target() == null ? "/" : "")
                                        + (n.target() != null ? " -> " + n.target() : ""))).toList());
        for (Node n : MachineTree.NODES) {
            NodeState original = NodeState.of(root.resolve(n.path()));
            NodeState copy = NodeState.of(out.resolve(MachineTree.tarName(root, n)));
            if (MachineTree.secretGlobs(root).stream().anyMatch(g -> root.getFileSystem().getPathMatcher("glob:" + g).matches(root.resolve(n.path())))) {
                assertThat(copy).as(n.path()).extracting(NodeState::mode, NodeState::mtime).containsExactly(original.mode(), original.mtime());
            } else {
                assertThat(copy).as(n.path()).isEqualTo(original);
            }
        }
    }

    static Stream<Arguments> excludes() {
        return Stream.of(
                Arguments.of("{root}/srv/cache", List.of(), List.of("srv/cache/", "srv/cache/blob.bin")),
                Arguments.of("{root}/srv/cache/**", List.of("srv/cache/"), List.of("srv/cache/blob.bin")),
                Arguments.of("**.sh", List.of("srv/app/", "srv/cache/blob.bin"), List.of("srv/app/run.sh")),
                Arguments.of("{root}/srv/*", List.of("srv/"), List.of("srv/app/", "srv/app/app.env", "srv/cache/")),
                Arguments.of("{root}/etc/ssl/*.key", List.of("etc/ssl/private/server.key"), List.of("etc/ssl/current.key")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void excludes(String glob, List<String> kept, List<String> dropped) throws Exception {
        String listing = Tools.run(dir, base(List.of(glob.replace("{root}", root.toString()))), "tar", "-tf", "-");
        String prefix = root.toString().substring(1) + "/";

        assertThat(listing.lines()).containsAll(kept.stream().map(prefix::concat).toList())
                .doesNotContainAnyElementsOf(dropped.stream().map(prefix::concat).toList());
    }

    @Test
    void counts_tell_what_the_tar_holds() throws Exception {
        ImageTree tree = new ImageTree(new TreeSelection(List.of(root), List.of(), MachineTree.secretGlobs(root), List.of()));
        ImageTree.Counts base = tree.writeBase(new ByteArrayOutputStream());
        ImageTree.Counts secrets = tree.writeSecrets(new ByteArrayOutputStream());

        Map<Boolean, Long> dirsAndOthers = MachineTree.NODES.stream().collect(
                Collectors.partitioningBy(n -> n.content() == null && n.target() == null, Collectors.counting()));
        assertThat(base.entries()).isEqualTo(MachineTree.NODES.size() + 1);
        assertThat(base.directories()).isEqualTo(dirsAndOthers.get(true) + 1);
        assertThat(base.symlinks()).isEqualTo(2);
        assertThat(base.secrets()).isEqualTo(5);
        assertThat(secrets.files()).isEqualTo(5);
        assertThat(secrets.directories()).isEqualTo(6); // the root, etc, etc/ssl, etc/ssl/private, srv, srv/app
        assertThat(base.changed()).isZero();
    }
}
