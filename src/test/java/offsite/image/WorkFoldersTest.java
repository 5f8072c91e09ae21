package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image work folders: private while in use, and those of backups that were killed removed by the next one. */
class WorkFoldersTest {

    @TempDir
    Path dir;

    @Test
    void a_work_folder_is_the_owners_alone_and_held_while_its_backup_runs() throws Exception {
        Path root = dir.resolve("work");
        try (WorkFolders.Held held = WorkFolders.create(root.resolve("20261201T000000000Z"))) {
            // the plain secret archive is written here before it is encrypted: it was world-readable (0755 folder, 0644 file)
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(held.dir()))).isEqualTo("rwx------");
            assertThat(WorkFolders.removeAbandoned(root, null, Instant.now().plus(Duration.ofDays(1)))).as("held here").isEmpty();
        }
    }

    @Test
    void folders_of_backups_that_ended_without_cleaning_are_removed_and_others_kept() throws Exception {
        Path root = Files.createDirectories(dir.resolve("work"));
        Instant now = Instant.now();
        Path killed = Files.createDirectories(root.resolve("killed"));
        Files.createFile(killed.resolve(".lock")); // its lock went with its process
        Files.writeString(killed.resolve("secret.tar"), "plain secrets");
        Path older = Files.createDirectories(root.resolve("before-locks"));
        Files.setLastModifiedTime(older, FileTime.from(now.minus(Duration.ofHours(1))));
        Path starting = Files.createDirectories(root.resolve("starting")); // made a moment ago, its lock not yet taken
        Path ours = Files.createDirectories(root.resolve("ours"));

        try (WorkFolders.Held running = WorkFolders.create(root.resolve("running"))) {
            assertThat(WorkFolders.removeAbandoned(root, ours, now)).containsExactlyInAnyOrder(killed, older);
            assertThat(root.resolve("running")).isDirectory();
            assertThat(starting).isDirectory();
            assertThat(ours).isDirectory();
        }
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
            try (FileChannel lock = FileChannel.open(left.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                // created, never locked again: as a killed process leaves it
            }
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
