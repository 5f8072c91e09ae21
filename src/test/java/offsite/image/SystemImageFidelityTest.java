package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 17, point 5: a system image restores a working system. A small machine with what a real one has (a
 * binary with a file capability, extended attributes and ACLs, a 200 MB sparse file, hard links, a FIFO, a device
 * node, a foreign owner) goes through the real `image` command twice (a complete image, then a diff) and comes
 * back through `restore-image`, and through stock GNU tar from the complete image; each is compared with the
 * original by the stock tools an administrator would use. Needs root (setcap, mknod, chown), as CI runs.
 */
class SystemImageFidelityTest {

    @TempDir
    static Path dir;
    static Path machine;
    static OffsiteHarness app;
    static Path fullTar;
    static Map<String, Path> restored;

    /** One look at the machine: the command, run in the machine's root and in the restored one, must print the same. */
    record Probe(String what, List<String> command) {
        @Override
        public String toString() {
            return what;
        }
    }

    static final List<Probe> PROBES = List.of(
            new Probe("file capability (as ping has)", List.of("getcap", "bin/ping")),
            new Probe("the capability's binary: mode, owner", List.of("stat", "-c", "%F %f %a %u %g %s %Y", "bin/ping")),
            new Probe("every extended attribute of a file, a directory and the capable binary",
                    List.of("getfattr", "-h", "-d", "-m", "-", "-e", "hex", "etc/tagged.conf", "srv/shared", "bin/ping")),
            new Probe("access ACL", List.of("getfacl", "etc/tagged.conf")),
            new Probe("default ACL of a directory, and a file inside that had none", List.of("getfacl", "srv/shared", "srv/shared/plain")),
            new Probe("sparse file: size, mode, owner, mtime, and the disk it takes (du)", List.of("sh", "-c", "stat -c '%s %a %u %g %Y' var/sparse.img && du -k var/sparse.img")),
            new Probe("hard links: one inode, two names",
                    List.of("sh", "-c", "stat -c '%h %f %a %u %g %Y' usr/link-a usr/link-b && test $(stat -c %i usr/link-a) = $(stat -c %i usr/link-b) && echo one inode")),
            new Probe("FIFO", List.of("stat", "-c", "%F %a %u %g %Y", "run/pipe")),
            new Probe("character device", List.of("stat", "-c", "%F %t,%T %a %u %g %Y", "dev/null")),
            new Probe("an owner with no account here", List.of("stat", "-c", "%u %g %a %Y", "srv/foreign")));

    @BeforeAll
    static void backUpAndRestore() throws Exception {
        machine = Files.createDirectories(dir.resolve("machine"));
        for (String d : List.of("bin", "etc", "srv/shared", "var", "usr", "run", "dev")) {
            Files.createDirectories(machine.resolve(d));
        }
        sh("cp /bin/true bin/ping && chmod 4755 bin/ping && setcap cap_net_raw+ep bin/ping");
        sh("echo 'listen 80' > etc/tagged.conf && setfattr -n user.origin -v 'from=the=vendor' etc/tagged.conf"
                + " && setfattr -n user.binary -v 0x00ff0a3d25 etc/tagged.conf && setfacl -m u:nobody:r,g:adm:rw etc/tagged.conf");
        sh("setfacl -d -m u:nobody:rx srv/shared && setfattr -n user.purpose -v shared srv/shared");
        // a file made there inherits the default ACL; this one has it taken away, and must come back without
        sh("echo plain > srv/shared/plain && setfacl -b srv/shared/plain");
        sh("truncate -s 200M var/sparse.img && printf 'middle' | dd of=var/sparse.img bs=1 seek=104857600 conv=notrunc status=none && chmod 600 var/sparse.img && touch -d 2020-02-02T02:02:02 var/sparse.img");
        sh("echo shared > usr/link-a && ln usr/link-a usr/link-b && chmod 640 usr/link-a");
        sh("mkfifo -m 620 run/pipe && mknod -m 600 dev/null c 1 3");
        sh("echo theirs > srv/foreign && chown 4321:8765 srv/foreign && chmod 604 srv/foreign");
        sh("echo v1 > etc/motd");

        app = new OffsiteHarness(dir);
        app.set("offsite.image.roots", machine.toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("keys")).toString());
        OffsiteHarness.CommandResult full = app.command("image");
        assertThat(full.out()).as(full.out()).startsWith("OK: full backup");
        sh("echo v2 > etc/motd");
        OffsiteHarness.CommandResult diff = app.command("image");
        assertThat(diff.out()).as(diff.out()).startsWith("OK: diff backup");

        Path byRestoreImage = dir.resolve("restore-image");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", byRestoreImage.toString());
        assertThat(restore.out()).as(restore.out()).startsWith("OK: restored diff backup");

        String fullKey = TestS3.list(app.client, app.s3.bucket(), "images/").stream().map(S3Object::key)
                .filter(k -> k.endsWith("full.tar.zst")).findFirst().orElseThrow();
        Path zst = dir.resolve("full.tar.zst");
        Files.write(zst, app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key(fullKey)).asByteArray());
        fullTar = dir.resolve("full.tar");
        Tools.run(dir, null, "zstd", "-q", "-d", zst.toString(), "-o", fullTar.toString());
        Path byStockTar = Files.createDirectories(dir.resolve("stock-tar"));
        Tools.run(dir, null, "tar", "--xattrs", "--xattrs-include=*", "-xpf", fullTar.toString(), "-C", byStockTar.toString());

        String inside = machine.toString().substring(1);
        restored = Map.of("restore-image (complete image + delta)", byRestoreImage.resolve(inside),
                "GNU tar -xpf --xattrs of the complete image", byStockTar.resolve(inside));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    static Stream<Arguments> restored_systems_look_like_the_original() {
        return Stream.of("restore-image (complete image + delta)", "GNU tar -xpf --xattrs of the complete image")
                .flatMap(how -> PROBES.stream().map(probe -> Arguments.of(how, probe)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void restored_systems_look_like_the_original(String how, Probe probe) throws Exception {
        String original = Tools.run(machine, null, probe.command().toArray(String[]::new));

        String copy = Tools.run(restored.get(how), null, probe.command().toArray(String[]::new));

        assertThat(original).as("the probe sees something").isNotBlank();
        assertThat(copy).isEqualTo(original);
    }

    @Test
    void the_sparse_file_takes_kilobytes_in_the_image_and_on_disk_not_200_megabytes() throws Exception {
        assertThat(Files.size(fullTar)).isLessThan(1 << 20);
        for (Path root : restored.values()) {
            String du = Tools.run(root, null, "du", "-k", "var/sparse.img");
            assertThat(Long.parseLong(du.split("\\s+")[0])).as(root + " " + du).isLessThan(64);
            assertThat(Files.size(root.resolve("var/sparse.img"))).isEqualTo(200L << 20);
        }
    }

    @Test
    void the_diff_restore_has_the_later_content_and_stock_tar_lists_every_kind() throws Exception {
        assertThat(restored.get("restore-image (complete image + delta)").resolve("etc/motd")).hasContent("v2");

        String listing = Tools.run(dir, null, "tar", "-tvf", fullTar.toString());

        String inside = machine.toString().substring(1);
        assertThat(listing.lines()).anySatisfy(l -> assertThat(l).startsWith("hrw-r-----").endsWith(inside + "/usr/link-b link to " + inside + "/usr/link-a"))
                .anySatisfy(l -> assertThat(l).startsWith("prw--w----").endsWith(inside + "/run/pipe"))
                .anySatisfy(l -> assertThat(l).startsWith("crw-------").contains(" 1,3 ").endsWith(inside + "/dev/null"))
                .anySatisfy(l -> assertThat(l).startsWith("-rw-------").contains(" 209715200 ").endsWith(inside + "/var/sparse.img"))
                .anySatisfy(l -> assertThat(l).startsWith("-rwsr-xr-x").endsWith(inside + "/bin/ping"));
    }

    @Test
    void the_same_machine_gives_the_same_tar_twice() throws Exception {
        ImageTree tree = new ImageTree(new TreeSelection(List.of(machine), List.of(), List.of(), List.of()));
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        ByteArrayOutputStream second = new ByteArrayOutputStream();

        tree.writeBase(first);
        sh("cat etc/tagged.conf bin/ping var/sparse.img > /dev/null"); // reading changes atimes only
        tree.writeBase(second);

        assertThat(second.toByteArray()).isEqualTo(first.toByteArray());
    }

    /** Runs the script in the machine's root (Tools leaves its stderr file in the directory it runs in: not there). */
    private static void sh(String script) throws Exception {
        Tools.run(dir, null, "sh", "-c", "cd \"$0\" && " + script, machine.toString());
    }
}
