package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's disk fills up during a pass: its state files are lost for the night, never the mirror. */
class DataDirectoryFullTest {

    @TempDir
    Path dir;

    @Test
    void a_full_data_directory_costs_the_state_files_never_the_uploads_and_the_report_names_what_was_not_saved() throws Exception {
        OffsiteHarness app = new OffsiteHarness(dir);
        for (int i = 0; i < 300; i++) {
            app.write("Members/AA%06d.rdb".formatted(i), 1000, i);
        }
        Path data = dir.resolve("small-disk");
        try (SmallDisk disk = SmallDisk.mount(data, 1)) {
            disk.leaveFree(12 * 1024); // room for the lock, then the activity log fills it
            app.set("offsite.data.dir", data.toString());

            SyncReport full = app.sync();

            // each S3 request failed as its activity line could not be written: 300 FAILED uploads blamed on S3
            assertThat(app.bucketFiles("sets/")).as("the mirror is whole").isEqualTo(app.sourceFiles());
            assertThat(full.status()).as(full.reason()).isEqualTo(RunStatus.WARN);
            assertThat(full.errors()).isEmpty();
            assertThat(full.uploaded().files()).isEqualTo(300);
            assertThat(full.reason()).startsWith("not saved under offsite.data.dir: ").contains("No space left on device")
                    .endsWith("mirror up to date: 300 file(s) uploaded, 0 moved to trash");
            assertThat(full.notes()).anyMatch(n -> n.startsWith("not saved under offsite.data.dir: cannot append to the activity log in "))
                    .anyMatch(n -> n.startsWith("not saved under offsite.data.dir: the hash cache " + data.resolve("hash-cache.tsv")));
            assertThat(temporaryFiles(data)).as("nothing half-written left beside the state").isZero();

            disk.growTo(64);
            SyncReport roomy = app.sync();

            assertThat(roomy.status()).as(roomy.reason()).isEqualTo(RunStatus.OK);
            assertThat(roomy.uploaded().files()).isZero();
            assertThat(roomy.notes()).noneMatch(n -> n.startsWith("not saved"));
            assertThat(data.resolve("hash-cache.tsv")).isNotEmptyFile();
        } finally {
            app.close();
        }
    }

    @Test
    void a_data_directory_full_before_the_pass_fails_it_naming_the_lock_file_and_sends_nothing() throws Exception {
        OffsiteHarness app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 1000, 1);
        Path data = dir.resolve("small-disk");
        try (SmallDisk disk = SmallDisk.mount(data, 1)) {
            disk.leaveFree(0);
            app.set("offsite.data.dir", data.toString());

            SyncReport full = app.sync();

            // the lock file's write failed as an IOException, which was told as "an answer from offsite.s3.endpoint broke off"
            assertThat(full.status()).isEqualTo(RunStatus.FAILED);
            assertThat(full.reason()).isEqualTo("cannot take the sync lock " + data.resolve("sync.lock") + ": No space left on device"
                    + " (offsite.data.dir must be writable by the user running Offsite, with room)");
            assertThat(app.bucketFiles("")).as("nothing sent, and no lease left for others to wait on").isEmpty();
        } finally {
            app.close();
        }
    }


    private static long temporaryFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
