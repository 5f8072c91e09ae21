package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.Generations;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fresh remote copy beside the old one, which goes only once the new one is complete and verified. */
class GenerationsTest {

    @TempDir
    Path dir;

    @Test
    void a_new_generation_leaves_the_old_one_until_it_is_complete_verified_and_old_enough() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Members/AA000001.rdb", 6 << 20, 1);
            app.write("Set A.rbc", 999, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);

            OffsiteHarness.CommandResult fresh = app.set("offsite.sync.retire-after-days", "0").command("sync", "--new-generation");

            assertThat(fresh.exit()).as(fresh.out()).isZero();
            assertThat(fresh.out()).contains("started generation 2 under sets.g2/");
            assertThat(app.bucketFiles("sets.g2/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
            assertThat(app.bucketFiles("sets/")).as("the old generation is untouched").containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
            Generations generations = new Generations(app.client, app.s3.bucket(), "sets/");
            assertThat(generations.load().current()).isEqualTo(2);
            assertThat(generations.load().currentGeneration().complete()).isNotNull();
            assertThat(generations.load().currentGeneration().verified()).isNull();

            SyncReport verifying = app.sync(); // finds nothing to send: the new generation is verified
            assertThat(verifying.status()).isEqualTo(RunStatus.OK);
            assertThat(app.bucketFiles("sets/")).as("still there until the next pass").hasSize(2);
            assertThat(generations.load().currentGeneration().verified()).isNotNull();

            SyncReport retiring = app.sync();

            assertThat(retiring.status()).as(retiring.headline()).isEqualTo(RunStatus.OK);
            assertThat(retiring.notes()).anyMatch(n -> n.startsWith("retired generation 1 (sets/)"));
            assertThat(app.bucketFiles("sets/")).isEmpty();
            assertThat(app.bucketFiles("trash/")).hasSize(2);
            assertThat(app.bucketFiles("sets.g2/")).containsExactlyInAnyOrderEntriesOf(app.sourceFiles());
            assertThat(generations.load().generations()).filteredOn(g -> g.number() == 1).singleElement()
                    .satisfies(g -> assertThat(g.retired()).isNotNull());

            Path restored = dir.resolve("restored");
            assertThat(app.command("restore-set", "--to", restored.toString()).exit()).isZero();
            assertThat(restored.resolve("Set A.rbc")).exists();
        }
    }
}
