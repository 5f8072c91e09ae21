package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import offsite.report.SyncReport.Problem;
import offsite.store.UnansweredRequests;
import offsite.sync.StoppedStore;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image backup that ran out of room names offsite.data.dir whatever language the C library speaks. */
class FullDataDirTest {

    @TempDir
    Path dir;

    @Test
    void a_write_failure_in_another_language_on_a_full_data_dir_names_the_setting() throws Exception {
        Path data = dir.resolve("data");
        try (SmallDisk disk = SmallDisk.mount(data, 1)) {
            Path work = data.resolve("image/work/20261201T000000000Z");
            WorkFolders.create(work);
            disk.leaveFree(0);
            ImagePass pass = new ImagePass(ImageRequest.command(false), Instant.now(), "20261201T000000000Z", work);
            // fail() reads only the failure, the backup's work folder and whether the store stopped answering
            ImageBackup backup = new ImageBackup(null, null, data.resolve("image"), null, null, null, null,
                    new StoppedStore(new UnansweredRequests(), 1, 2, null), null);

            backup.fail(new IOException("Auf dem Gerät ist kein Speicherplatz mehr verfügbar"), pass);

            // only "No space left on device" and "Disk quota exceeded" were known: elsewhere the bare error, naming nothing
            assertThat(pass.errors()).extracting(Problem::cause).singleElement().asString()
                    .startsWith("no room under offsite.data.dir: the image is built in " + work);
        }
    }
}
