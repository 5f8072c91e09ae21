package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restore-image onto a disk that fills up while extracting: one clear line, nothing half-written left. */
class DiskFullImageRestoreTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;
    Path tree;

    @BeforeEach
    void backup() throws Exception {
        app = new OffsiteHarness(dir);
        tree = Files.createDirectories(dir.resolve("machine"));
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/hostname"), "excalibur\n");
        byte[] big = new byte[6 * MB];
        new Random(7).nextBytes(big);
        Files.createDirectories(tree.resolve("srv"));
        Files.write(tree.resolve("srv/data.bin"), big);
        app.set("offsite.image.roots", tree.toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
        OffsiteHarness.CommandResult image = app.command("image");
        assertThat(image.exit()).as(image.out()).isZero();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void an_image_restore_that_fills_the_disk_names_the_file_and_leaves_nothing_half_written() throws Exception {
        Path target = dir.resolve("small-disk");
        Map<String, String> remote = app.bucketFiles("images/");
        Map<String, String> source = OffsiteHarness.digests(tree);
        SmallDisk disk = SmallDisk.mount(target, 4);
        try {
            OffsiteHarness.CommandResult full = app.command("restore-image", "--to", target.toString());

            Path restoredTree = target.resolve(tree.toString().substring(1));
            assertThat(full.exit()).as(full.out()).isEqualTo(1);
            assertThat(full.out()).contains("FAILED: the disk is full: cannot write " + restoredTree.resolve("srv/data.bin")
                    + " in " + target).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(restoredTree.resolve("srv/data.bin")).as("no half-file under its real name").doesNotExist();
            assertThat(OffsiteHarness.digests(restoredTree)).as("what is there is whole, no part file kept")
                    .allSatisfy((name, digest) -> assertThat(digest).as(name).isEqualTo(source.get(name)));
            assertThat(app.bucketFiles("images/")).as("the remote store untouched").isEqualTo(remote);

            disk.growTo(64);
            OffsiteHarness.CommandResult refused = app.command("restore-image", "--to", target.toString());
            assertThat(refused.exit()).as("a non-empty directory is refused").isEqualTo(2);
            OffsiteHarness.CommandResult again = app.command("restore-image", "--to", target.toString(), "--overwrite");

            assertThat(again.exit()).as(again.out()).isZero();
            assertThat(OffsiteHarness.digests(restoredTree)).as("finished in place: every file whole, no part file left").isEqualTo(source);
        } finally {
            disk.close();
        }
    }

}
