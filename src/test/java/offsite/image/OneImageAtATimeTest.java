package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import offsite.files.LockFile;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One image backup at a time per data directory: a second one is refused, saying why, and changes nothing. */
class OneImageAtATimeTest {

    @TempDir
    Path dir;

    @Test
    void an_image_backup_while_another_runs_on_the_same_data_directory_is_refused_and_leaves_its_state_alone() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.set("offsite.image.roots", tree.getParent().toString())
                    .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
            assertThat(app.command("image").exit()).isZero();
            Path state = app.data.resolve("image/state.json");
            String before = Files.readString(state);
            int stored = app.bucketFiles("images/").size();

            OffsiteHarness.CommandResult second;
            try (LockFile running = LockFile.tryTake(app.data.resolve("image/image.lock"))) { // another backup, mid-way
                assertThat(running).isNotNull();
                second = app.command("image");
            }

            // two at once: the one that ended last wrote a state whose complete.sig was the other's, and every later diff
            // reported OK and could not be restored
            assertThat(second.exit()).as(second.out()).isEqualTo(1);
            assertThat(second.out()).contains("FAILED: another image backup is running with this offsite.data.dir");
            assertThat(Files.readString(state)).isEqualTo(before);
            assertThat(app.bucketFiles("images/")).hasSize(stored);

            OffsiteHarness.CommandResult after = app.command("image");
            assertThat(after.exit()).as(after.out()).isZero();
        }
    }
}
