package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image backup whose data directory has no room to build the image in: a clear failure, nothing sent. */
class DataDirectoryFullImageTest {

    @TempDir
    Path dir;

    @Test
    void an_image_without_room_to_be_built_fails_naming_the_data_directory_and_sends_nothing() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/srv"));
        byte[] bytes = new byte[1 << 20];
        new Random(3).nextBytes(bytes);
        Files.write(tree.resolve("data.bin"), bytes);
        Path data = dir.resolve("small-disk");
        try (OffsiteHarness app = new OffsiteHarness(dir); SmallDisk disk = SmallDisk.mount(data, 1)) {
            disk.leaveFree(64 * 1024);
            app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.data.dir", data.toString())
                    .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());

            OffsiteHarness.CommandResult image = app.command("image");

            // the report said only "FAILED: No space left on device", naming neither the disk nor the setting
            assertThat(image.exit()).as(image.out()).isEqualTo(1);
            assertThat(image.out()).contains("FAILED: no room under offsite.data.dir: the image is built in " + data.resolve("image/work"))
                    .contains("(No space left on device)");
            assertThat(app.bucketFiles("images/")).as("nothing sent").isEmpty();
        }
    }
}
