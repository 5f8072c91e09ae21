package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 1: a source destroyed by change (truncated by a broken mount, encrypted in place) must never
 * replace the only offsite copy.
 */
class DestroyedSourceTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    private OffsiteHarness app;
    private Map<String, String> mirrored;

    @BeforeEach
    void mirrorTenChunks() throws Exception {
        app = new OffsiteHarness(dir);
        for (int i = 0; i < 10; i++) {
            app.write("Members/AA00000" + i + ".rdb", i < 2 ? 6 * MB : MB, i); // two multipart, eight single PUTs
        }
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
        mirrored = app.bucketFiles("sets/");
    }

    @AfterEach
    void close() {
        app.close();
    }

    @Test
    void issue15_chunks_truncated_to_nothing_are_held_back_and_the_stored_copies_kept() throws Exception {
        for (int i = 0; i < 10; i++) {
            app.write("Members/AA00000" + i + ".rdb", i == 9 ? 100 : 0, 50 + i); // one shrunk to under 1% of its size
        }

        SyncReport report = app.sync();

        assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.WARN);
        assertThat(report.reason()).startsWith("10 file(s) held back, their stored copies kept");
        assertThat(report.uploaded().files()).isZero();
        assertThat(report.actions().get("held").files()).isEqualTo(10);
        assertThat(report.notes()).anyMatch(n -> n.startsWith("sets/Members/AA000000.rdb: shrank from 6.0 MiB to 0 B: held back"));
        assertThat(app.bucketFiles("sets/")).as("the only offsite copy is untouched").isEqualTo(mirrored);
        assertThat(app.bucketFiles("trash/")).isEmpty();
    }

    @Test
    void issue15_a_set_rewritten_in_place_is_refused_until_accepted_and_the_replaced_objects_are_kept() throws Exception {
        for (int i = 0; i < 10; i++) { // same names and sizes, other bytes: ransomware that encrypts in place
            app.write("Members/AA00000" + i + ".rdb", i < 2 ? 6 * MB : MB, 100 + i);
        }

        SyncReport refused = app.sync();

        assertThat(refused.status()).as(refused.text()).isEqualTo(RunStatus.FAILED);
        assertThat(refused.reason()).startsWith("REFUSED: 10 changed file(s) would replace 20.0 MiB of the 20.0 MiB stored (100.0%)")
                .contains("offsite.sync.max-change-percent=50").contains("sync --accept-changes");
        assertThat(refused.uploaded().files()).isZero();
        assertThat(app.bucketFiles("sets/")).as("nothing changed").isEqualTo(mirrored);
        assertThat(app.pendingUploads()).isZero();
        assertThat(app.bucketFiles("trash/")).isEmpty();

        OffsiteHarness.CommandResult accepted = app.command("sync", "--accept-changes");

        assertThat(accepted.exit()).as(accepted.out()).isZero();
        assertThat(accepted.out()).startsWith("OK: mirror up to date: 10 file(s) uploaded");
        assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
        String day = LocalDate.now(ZoneOffset.UTC) + "/sets/";
        assertThat(app.bucketFiles("trash/")).as("every replaced object kept in the trash first, its old bytes")
                .hasSize(10).allSatisfy((key, digest) -> assertThat(digest).isEqualTo(mirrored.get(key.substring(day.length()))));
        assertThat(Files.readString(app.data.resolve("reports/sync-latest.json"))).contains("10 replaced object(s)");
    }
}
