package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** offsite.data.dir inside offsite.sync.source: Offsite's own state, rewritten by every pass, is never mirrored. */
class DataDirectoryInTheSourceTest {

    @TempDir
    Path dir;

    @Test
    void the_data_directory_inside_the_source_is_left_out_of_the_mirror_night_after_night() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Members/AA000001.rdb", 4096, 1);
            app.write("Set A.rbc", 999, 2);
            app.set("offsite.data.dir", app.source.resolve("offsite-state").toString());

            SyncReport first = app.sync();
            SyncReport second = app.sync();

            // the state was mirrored, then found changed on every later pass: its hash cache, reports, activity log
            assertThat(first.status()).as(first.reason()).isEqualTo(RunStatus.OK);
            assertThat(second.status()).as(second.reason()).isEqualTo(RunStatus.OK);
            assertThat(second.uploaded().files()).isZero();
            assertThat(app.bucketFiles("sets/")).containsOnlyKeys("Members/AA000001.rdb", "Set A.rbc");
            assertThat(app.source.resolve("offsite-state/hash-cache.tsv")).isNotEmptyFile();
        }
    }
}
