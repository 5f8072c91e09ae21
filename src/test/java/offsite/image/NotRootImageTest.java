package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** image run by a user who is not root (nobody, through setpriv) against S3Proxy, over a tree with what nobody may not read. */
class NotRootImageTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    Path tree;

    @BeforeEach
    void machine() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        app = new OffsiteHarness(dir.resolve("harness"));
        tree = Files.createDirectories(dir.resolve("machine"));
        Tools.run(dir, null, "sh", "-c", "cd machine && mkdir -p etc srv/locked && echo excalibur > etc/hostname && echo 'PASSWORD=hunter2' > etc/app.env"
                + " && echo hidden > srv/root-only && echo inside > srv/locked/f && chmod 000 srv/root-only srv/locked etc/app.env");
        app.set("offsite.image.roots", tree.toString()).set("offsite.image.secrets", tree + "/etc/*.env")
                .set("offsite.data.dir", Files.createDirectories(dir.resolve("nobodys-data")).toString());
        Tools.run(dir, null, "chmod", "a+rwx", dir.resolve("nobodys-data").toString(), dir.resolve("harness").toString());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void files_and_folders_it_may_not_read_are_named_in_a_warning_and_the_rest_is_backed_up() throws Exception {
        Nobody.Run image = Nobody.run(dir, app, "image");

        String machine = "/" + tree.toString().substring(1);
        assertThat(image.exit()).as(image.out()).isZero();
        assertThat(image.out()).contains("WARN: full backup").contains("3 file(s) or folder(s) could not be read (permission denied) and are"
                + " not in the image (a folder: what is under it): " + machine + "/etc/app.env, " + machine + "/srv/locked, " + machine
                + "/srv/root-only (expected offsite.image.roots readable by this process");
        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        Path copy = restored.resolve(tree.toString().substring(1));
        assertThat(copy.resolve("etc/hostname")).hasContent("excalibur");
        assertThat(copy.resolve("srv/locked")).isDirectory();
        assertThat(copy.resolve("srv/locked/f")).doesNotExist();
        assertThat(copy.resolve("srv/root-only")).doesNotExist();
        assertThat(copy.resolve("etc/app.env")).doesNotExist();
    }

    @Test
    void a_restore_says_which_secret_files_the_backup_could_not_read_not_that_all_are_scrubbed_copies() throws Exception {
        Files.writeString(tree.resolve("etc/db.env"), "PASSWORD=swordfish\n"); // beside etc/app.env, which nobody may not read

        Nobody.Run image = Nobody.run(dir, app, "image");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(image.exit()).as(image.out()).isZero();
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restore.out()).contains("; 1 secret file(s) could not be read when the backup was made (permission denied) and are in"
                + " neither the base nor the secret archive (its report named them)");
    }

    @Test
    void an_excluded_folder_it_may_not_read_is_left_out_without_a_warning() throws Exception {
        app.set("offsite.image.excludes", tree + "/srv/locked");

        Nobody.Run image = Nobody.run(dir, app, "image");

        assertThat(image.exit()).as(image.out()).isZero();
        assertThat(image.out()).doesNotContain("FAILED").contains("2 file(s) or folder(s) could not be read");
        assertThat(image.out()).doesNotContain("/srv/locked");
    }
}
