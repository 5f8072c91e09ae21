package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image work folders: private while in use, and those of backups that were killed removed by the next one. */
class WorkFoldersTest {

    @TempDir
    Path dir;

    @Test
    void a_work_folder_is_the_owners_alone() throws Exception {
        Path work = dir.resolve("work/20261201T000000000Z");

        WorkFolders.create(work);

        // the plain secret archive is written here before it is encrypted: it was world-readable (0755 folder, 0644 file)
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work))).isEqualTo("rwx------");
    }

    @Test
    void under_the_image_lock_every_other_work_folder_was_left_by_a_backup_that_did_not_finish() throws Exception {
        Path root = Files.createDirectories(dir.resolve("work"));
        Path killed = Files.createDirectories(root.resolve("20261130T230000000Z"));
        Files.writeString(killed.resolve("secret.tar"), "plain secrets");
        Path stopped = Files.createDirectories(root.resolve("20261130T220000000Z"));
        Path ours = Files.createDirectories(root.resolve("20261201T000000000Z"));

        assertThat(WorkFolders.removeLeft(root, ours)).containsExactlyInAnyOrder(killed, stopped);
        assertThat(ours).isDirectory();
        assertThat(WorkFolders.removeLeft(dir.resolve("none yet"), ours)).isEmpty();
    }

    @Test
    void an_image_backup_removes_the_work_folder_a_killed_backup_left_with_its_plain_secrets() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/srv"));
        byte[] bytes = new byte[4096];
        new Random(5).nextBytes(bytes);
        Files.write(tree.resolve("data.bin"), bytes);
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            Path left = Files.createDirectories(app.data.resolve("image/work/20261130T230000000Z"));
            Files.writeString(left.resolve("secret.tar"), "DB_PASSWORD=hunter2");
            app.set("offsite.image.roots", tree.getParent().toString())
                    .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());

            OffsiteHarness.CommandResult image = app.command("image");

            // every killed or stopped hourly backup left its folder: a whole uncompressed image and the plain secrets
            assertThat(image.exit()).as(image.out()).isZero();
            assertThat(left).doesNotExist();
            try (var work = Files.list(app.data.resolve("image/work"))) {
                assertThat(work).as("the backup's own folder is removed too").isEmpty();
            }
        }
    }
}
