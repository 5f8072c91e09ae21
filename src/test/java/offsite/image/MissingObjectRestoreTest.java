package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * restore-image when the bucket lacks what a manifest promises (an object deleted by hand or by a lifecycle rule), or holds a
 * manifest that cannot be read.
 */
class MissingObjectRestoreTest {

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void backups() throws Exception {
        app = new OffsiteHarness(dir);
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        app.set("offsite.image.roots", tree.getParent().toString())
                .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
        assertThat(app.command("image").exit()).isZero();
        Files.writeString(tree.resolve("hostname"), "excalibur-2\n");
        assertThat(app.command("image").exit()).isZero();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void a_complete_image_gone_from_the_bucket_is_named_with_what_to_restore_instead() throws Exception {
        String full = app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("full.tar.zst")).findFirst().orElseThrow();
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("images/" + full));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.exit()).as(restore.out()).isEqualTo(1);
        assertThat(restore.out()).contains("FAILED: images/" + full + " is not in the bucket, though the manifest lists it;"
                + " restore a backup on another complete image with --id ID or --at TIME");
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    @Test
    void a_newest_backup_whose_manifest_cannot_be_read_is_named_beside_the_older_one_restored() throws Exception {
        String newest = app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("delta.zst")).findFirst().orElseThrow()
                .replace("/delta.zst", "/manifest.json");
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("images/" + newest), RequestBody.fromString("{\"id\":"));

        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());

        assertThat(restore.out()).contains("note: images/" + newest + " cannot be read (").contains("; its backup is newer than the one"
                + " restored here (restore it with --id once its manifest is repaired)");
        assertThat(restore.out()).contains("OK: restored full backup");
    }

    @Test
    void the_next_image_backup_warns_once_of_a_kept_backup_whose_delta_is_gone_from_the_bucket() throws Exception {
        String delta = "images/" + app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("delta.zst")).findFirst().orElseThrow();
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key(delta));
        app.set("offsite.image.keep", "10l"); // the last ten, whatever their hour: the broken one is kept

        OffsiteHarness.CommandResult next = app.command("image");

        String id = delta.split("/")[1];
        assertThat(next.exit()).as(next.out()).isZero();
        assertThat(next.out()).startsWith("WARN").contains("backup " + id + " (diff on ").contains(") cannot be restored: " + delta
                + " is not in the bucket; retention keeps it: delete images/" + id + "/ by hand once it is no longer wanted");
        OffsiteHarness.CommandResult again = app.command("image");
        assertThat(again.out()).as("one WARN, so one mail: later backups name it in a note while it lasts").startsWith("OK")
                .contains("still, as the backup before said: backup " + id + " (diff on ");
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(delta), RequestBody.fromString("not the delta"));
        assertThat(app.command("image").out()).as("put back at another size: still broken, still a note")
                .contains("still, as the backup before said: backup " + id);
    }
}
