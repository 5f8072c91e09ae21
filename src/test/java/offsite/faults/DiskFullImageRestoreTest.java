package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;

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

    /** The complete image as the bucket holds it when the restore's data disk fills or would, and what the restore must say. */
    record DataDisk(String what, int diskMb, UnaryOperator<byte[]> replaced, String said) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<DataDisk> dataDisks() {
        return Stream.of(new DataDisk("the image as stored, bigger than the disk", 4, null, "FAILED: the disk is full: cannot write "),
                new DataDisk("replaced after its manifest by 2 KiB that expand to 64 MiB (a zip bomb)", 4, stored -> Zstd.compress(new byte[64 * MB]),
                        "is damaged: its SHA-256 is"),
                new DataDisk("the same bomb on a disk with room for the image: stopped at the image's declared size", 16,
                        stored -> Zstd.compress(new byte[64 * MB]), "is damaged: it expands past the "),
                new DataDisk("the stored object followed by 8 MiB it should not hold", 32, stored -> {
                    byte[] tail = new byte[8 * MB];
                    new Random(3).nextBytes(tail);
                    byte[] longer = Arrays.copyOf(stored, stored.length + tail.length);
                    System.arraycopy(tail, 0, longer, stored.length, tail.length);
                    return longer;
                }, "is damaged: it holds more than the "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dataDisks")
    void a_data_disk_filled_while_the_image_is_rebuilt_is_told_full_unless_the_object_is_damaged(DataDisk c) throws Exception {
        String full = app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("full.tar.zst")).findFirst().orElseThrow();
        if (c.replaced() != null) {
            byte[] stored = app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key("images/" + full)).asByteArray();
            app.client.putObject(b -> b.bucket(app.s3.bucket()).key("images/" + full), RequestBody.fromBytes(c.replaced().apply(stored)));
        }
        Path data = dir.resolve("small-data-disk");
        try (SmallDisk disk = SmallDisk.mount(data, c.diskMb())) {
            app.set("offsite.data.dir", data.toString());

            OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

            assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
            assertThat(restore.out()).contains(c.said()).contains(c.replaced() != null ? "images/" + full : data.resolve("image/restore-work").toString());
            if (c.replaced() != null) {
                assertThat(restore.out()).as("what to restore instead").contains("; restore a backup on another complete image with --id ID or --at TIME");
            }
            assertThat(dir.resolve("restored")).doesNotExist();
            try (Stream<Path> left = Files.walk(data.resolve("image/restore-work"))) {
                assertThat(left.filter(Files::isRegularFile)).as("the half-written image removed, its room given back").isEmpty();
            }
        }
    }

    @Test
    void a_data_disk_that_fills_while_a_diff_is_patched_is_told_full_and_gets_all_its_room_back() throws Exception {
        Files.writeString(tree.resolve("etc/hostname"), "excalibur-2\n");
        OffsiteHarness.CommandResult diff = app.command("image");
        assertThat(diff.exit()).as(diff.out()).isZero();
        assertThat(diff.out()).contains("diff");
        Path data = dir.resolve("small-data-disk");
        // room for the 6 MiB complete image and the small delta, not for the 6 MiB image patched from them
        try (SmallDisk disk = SmallDisk.mount(data, 9)) {
            app.set("offsite.data.dir", data.toString());

            OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

            assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
            assertThat(restore.out()).contains("FAILED: the disk is full: cannot write " + data.resolve("image/restore-work/image.tar"));
            assertThat(dir.resolve("restored")).doesNotExist();
            try (Stream<Path> left = Files.walk(data.resolve("image/restore-work"))) {
                assertThat(left.filter(Files::isRegularFile)).as("complete image, delta and half-patched image removed").isEmpty();
            }
        }
    }

    @Test
    void a_damaged_delta_fails_the_restore_and_leaves_no_complete_image_in_the_data_directory() throws Exception {
        Files.writeString(tree.resolve("etc/hostname"), "excalibur-2\n");
        assertThat(app.command("image").exit()).isZero();
        String delta = app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("delta.zst")).findFirst().orElseThrow();
        byte[] stored = app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key("images/" + delta)).asByteArray();
        stored[stored.length / 2] ^= 1;
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("images/" + delta), RequestBody.fromBytes(stored));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).contains("images/" + delta + " is damaged: its SHA-256 is");
        try (Stream<Path> left = Files.walk(app.data.resolve("image/restore-work"))) {
            assertThat(left.filter(Files::isRegularFile)).as("the downloaded complete image removed, its room given back").isEmpty();
        }
    }
}
