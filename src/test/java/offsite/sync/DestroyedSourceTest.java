package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

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
        assertThat(report.text().lines()).as("the text counts them as the JSON does").anyMatch(l -> l.matches(" +held +10 files +.*"));
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

    @Test
    void each_copy_of_a_key_replaced_or_deleted_on_one_day_is_kept_in_the_trash_none_over_another() throws Exception {
        String key = "Members/AA000009.rdb";
        List<String> versions = new ArrayList<>(List.of(mirrored.get(key)));
        for (int pass = 0; pass < 2; pass++) { // rewritten twice the same day, each within the change limit
            app.write(key, MB, 200 + pass);
            SyncReport replacing = app.sync();
            assertThat(replacing.status()).as(replacing.text()).isEqualTo(RunStatus.OK);
            assertThat(replacing.notes()).anyMatch(n -> n.startsWith("1 replaced object(s)"));
            versions.add(app.sourceFiles().get(key));
        }
        Files.delete(app.source.resolve(key)); // and then deleted, that day too

        SyncReport deleting = app.set("offsite.sync.delete", "true").sync();

        assertThat(deleting.status()).as(deleting.text()).isEqualTo(RunStatus.OK);
        assertThat(deleting.deleted().files()).isEqualTo(1);
        Map<String, String> trash = app.bucketFiles("trash/");
        assertThat(trash.values()).as("the three earlier versions, byte for byte: the first, the second and the one deleted")
                .containsExactlyInAnyOrderElementsOf(versions);
        Pattern name = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})/sets/" + Pattern.quote(key) + "(\\.~\\d{6}(-\\d+)?~)?");
        assertThat(trash.keySet()).allMatch(k -> name.matcher(k).matches());
        assertThat(trash.keySet()).as("each day's first copy under the key's own name, later ones beside it")
                .filteredOn(k -> k.endsWith(".rdb")).extracting(k -> k.substring(0, 10)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(trash.keySet().stream().map(k -> k.substring(0, 10)).distinct().toList());
        assertThat(app.command("status").out()).as("the status page counts every copy").containsPattern("trash +3 objects +3.0 MiB");
    }

    @Test
    void copies_kept_beside_the_first_of_a_day_are_purged_with_their_day_folder() throws Exception {
        String old = LocalDate.now(ZoneOffset.UTC).minusDays(31) + "/sets/Members/AA000009.rdb";
        String recent = LocalDate.now(ZoneOffset.UTC).minusDays(29) + "/sets/Members/AA000009.rdb";
        for (String key : List.of(old, old + ".~101010~", old + ".~101010-2~", recent, recent + ".~101010~")) {
            app.client.putObject(b -> b.bucket(app.s3.bucket()).key("trash/" + key), RequestBody.fromString("a copy"));
        }

        SyncReport report = app.set("offsite.sync.trash-days", "30").sync();

        assertThat(report.trashPurged()).isEqualTo(3);
        assertThat(app.bucketFiles("trash/")).containsOnlyKeys(recent, recent + ".~101010~");
    }

    @Test
    void hosts_sharing_the_trash_purge_only_their_own_copies() throws Exception {
        String day = LocalDate.now(ZoneOffset.UTC).minusDays(5) + "/";
        List<String> ours = List.of(day + "sets/Members/AA000009.rdb", day + "sets.g2/Members/AA000009.rdb");
        // another host's mirror (prefix hostb/, or a prefix this one's generations only resemble), kept there for 30 days
        List<String> theirs = List.of(day + "hostb/Members/BB000001.rdb", day + "sets.gallery/BB000002.rdb", day + "setsb/BB000003.rdb");
        for (String key : Stream.concat(ours.stream(), theirs.stream()).toList()) {
            app.client.putObject(b -> b.bucket(app.s3.bucket()).key("trash/" + key), RequestBody.fromString("a copy"));
        }

        SyncReport report = app.set("offsite.sync.trash-days", "1").sync();

        assertThat(report.trashPurged()).as(report.text()).isEqualTo(2);
        assertThat(app.bucketFiles("trash/")).containsOnlyKeys(theirs);
    }
}
