package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import offsite.report.RunStatus;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A restore pointed at the live backup set (offsite.sync.source, or a folder inside it) is refused before anything is
 * downloaded, exit 2, the set left as it is: the mirror's older copies would replace the files changed since the last pass,
 * or the next pass would mirror the restored copy as part of the set. An emptied source folder still takes its set back.
 * So is one into Offsite's own offsite.data.dir, and one into a parent of either folder where a restored file would
 * land in it (known from the listing, or the image's entries, before anything is written); a parent where every file
 * lands beside them takes the restore.
 */
class RestoreIntoLiveFoldersTest {

    @TempDir
    Path dir;

    /** What a command printed on standard error and its exit code, with what it printed on standard output. */
    record Said(int exit, String err, String out) {
    }

    private static Said run(OffsiteHarness app, String... args) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            OffsiteHarness.CommandResult result = app.command(args);
            return new Said(result.exit(), err.toString(StandardCharsets.UTF_8), result.out());
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void restore_set_with_overwrite_into_the_live_source_keeps_the_files_changed_since_the_last_pass() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("monday.rbc", 70_000, 1);
            app.write("members/AA000001.rdb", 30_000, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            app.write("monday.rbc", 90_000, 3); // the backup application wrote it again since
            Map<String, String> live = app.sourceFiles();

            Said said = run(app, "restore-set", "--to", app.source.toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isEqualTo(2);
            assertThat(said.err().lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: --to " + app.source
                    + " is offsite.sync.source, the live backup set the mirror copies: a restore there would replace the files changed since"
                    + " the last pass with the mirror's older copies; restore into another directory and copy back what you need (into the"
                    + " source itself only while it is empty, without --overwrite)");
            assertThat(app.sourceFiles()).isEqualTo(live);
        }
    }

    @Test
    void restore_set_into_the_live_source_by_another_name_is_refused_too() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("monday.rbc", 70_000, 1);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            app.write("monday.rbc", 90_000, 3);
            Map<String, String> live = app.sourceFiles();
            Path link = Files.createSymbolicLink(dir.resolve("sets-link"), app.source);

            Said said = run(app, "restore-set", "--to", link.toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isEqualTo(2);
            assertThat(said.err()).contains("is offsite.sync.source, the live backup set the mirror copies");
            assertThat(app.sourceFiles()).isEqualTo(live);
        }
    }

    @Test
    void restore_set_into_a_folder_inside_the_live_source_is_refused() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("monday.rbc", 70_000, 1);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Path inside = app.source.resolve("restored");

            Said said = run(app, "restore-set", "--to", inside.toString());

            assertThat(said.exit()).as(said.err() + said.out()).isEqualTo(2);
            assertThat(said.err()).contains("offsite: --to " + inside + " is inside offsite.sync.source (" + app.source + "): the next pass"
                    + " would mirror the restored copy as part of the set; restore into a directory outside it");
            assertThat(inside).doesNotExist();
        }
    }

    @Test
    void a_lost_set_comes_back_into_its_emptied_source_folder() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("monday.rbc", 70_000, 1);
            app.write("members/AA000001.rdb", 30_000, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Map<String, String> mirrored = app.sourceFiles();
            Files.delete(app.source.resolve("monday.rbc")); // the disk was replaced: its folders made again, empty
            Files.delete(app.source.resolve("members/AA000001.rdb"));

            Said said = run(app, "restore-set", "--to", app.source.toString());

            assertThat(said.exit()).as(said.err() + said.out()).isZero();
            assertThat(app.sourceFiles()).isEqualTo(mirrored);
        }
    }

    @Test
    void restore_image_into_the_live_source_or_a_folder_inside_it_is_refused() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("monday.rbc", 70_000, 1);
            Map<String, String> live = app.sourceFiles();
            Path inside = app.source.resolve("new-root");

            Said into = run(app, "restore-image", "--to", app.source.toString(), "--overwrite");
            Said under = run(app, "restore-image", "--to", inside.toString());

            assertThat(into.exit()).as(into.err() + into.out()).isEqualTo(2);
            assertThat(into.err()).contains("offsite: --to " + app.source + " is offsite.sync.source (" + app.source + "), the live backup set"
                    + " the mirror copies: the next pass would mirror the restored image as part of the set; restore into a directory outside it");
            assertThat(under.exit()).as(under.err() + under.out()).isEqualTo(2);
            assertThat(under.err()).contains("offsite: --to " + inside + " is inside offsite.sync.source (" + app.source + ")");
            assertThat(inside).doesNotExist();
            assertThat(app.sourceFiles()).isEqualTo(live);
        }
    }

    @ParameterizedTest(name = "{0} --to {1}")
    @CsvSource({"restore-set, data", "restore-set, data/restored", "restore-image, data", "restore-image, data/restored"})
    void a_restore_into_the_data_dir_or_a_folder_inside_it_is_refused(String command, String target) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("monday.rbc", 70_000, 1);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Path to = dir.resolve("app").resolve(target);
            String hashCache = Files.readString(app.data.resolve("hash-cache.tsv"));

            Said said = run(app, command, "--to", to.toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isEqualTo(2);
            assertThat(said.err().lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: --to " + to
                    + (to.equals(app.data) ? " is" : " is inside") + " offsite.data.dir (" + app.data + "), where Offsite keeps its own"
                    + " state (hash cache, reports, activity log, the image being rebuilt): restored files would overwrite it or be mixed"
                    + " with it; restore into a directory outside it");
            assertThat(app.data.resolve("monday.rbc")).doesNotExist();
            assertThat(dir.resolve("app/data/restored")).doesNotExist();
            assertThat(app.data.resolve("hash-cache.tsv")).hasContent(hashCache);
        }
    }

    @Test
    void restore_set_into_a_linked_parent_of_the_source_is_refused_where_a_key_leads_into_the_source() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("set/inner.rbc", 70_000, 1); // the key set/inner.rbc: below the source's parent, it names a file of the source
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            app.write("set/inner.rbc", 90_000, 3); // the backup application wrote it again since
            Map<String, String> live = app.sourceFiles();
            Path link = Files.createSymbolicLink(dir.resolve("app-link"), dir.resolve("app"));

            Said said = run(app, "restore-set", "--to", link.toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isEqualTo(2);
            assertThat(said.err().lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: --to " + link + " would write"
                    + " sets/set/inner.rbc into offsite.sync.source (" + app.source + ", as " + app.source.resolve("inner.rbc") + "), the live"
                    + " backup set the mirror copies: a restored file would replace a live one, newer perhaps, or be mirrored as part of the"
                    + " set; restore into an empty directory, or one where no restored file lands in offsite.sync.source");
            assertThat(app.sourceFiles()).isEqualTo(live);
            assertThat(app.source.resolve("inner.rbc")).doesNotExist();
        }
    }

    @Test
    void restore_set_into_a_parent_of_the_data_dir_is_refused_where_a_key_leads_into_it() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("data/hash-cache.tsv", 1_000, 1); // a set that holds a folder of the data dir's name
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            String hashCache = Files.readString(app.data.resolve("hash-cache.tsv"));

            Said said = run(app, "restore-set", "--to", dir.resolve("app").toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isEqualTo(2);
            assertThat(said.err()).contains("offsite: --to " + dir.resolve("app") + " would write sets/data/hash-cache.tsv into"
                    + " offsite.data.dir (" + app.data + ", as " + app.data.resolve("hash-cache.tsv") + "), where Offsite keeps its own state");
            assertThat(app.data.resolve("hash-cache.tsv")).hasContent(hashCache);
        }
    }

    @Test
    void restore_set_into_a_parent_of_the_source_and_data_dir_lands_its_files_beside_them() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("monday.rbc", 70_000, 1);
            app.write("members/AA000001.rdb", 30_000, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Map<String, String> live = app.sourceFiles();
            Path parent = dir.resolve("app");

            Said said = run(app, "restore-set", "--to", parent.toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isZero();
            assertThat(OffsiteHarness.digests(parent)).containsAllEntriesOf(live);
            assertThat(app.sourceFiles()).isEqualTo(live);
        }
    }

    /** An image of a small machine tree (its entries are named by their absolute paths), made by the `image` command. */
    private static Path imageOf(OffsiteHarness app, Path machine) throws Exception {
        Files.createDirectories(machine.resolve("etc"));
        Files.writeString(machine.resolve("etc/hostname"), "host-a\n");
        app.set("offsite.image.roots", machine.toString()).set("offsite.image.host", "host-a")
                .set("offsite.image.keys-dir", machine.resolveSibling("no-keys").toString());
        OffsiteHarness.CommandResult image = app.command("image");
        assertThat(image.exit()).as(image.out()).isZero();
        return machine;
    }

    @Test
    void restore_image_into_a_parent_of_the_data_dir_is_refused_where_an_entry_leads_into_it() throws Exception {
        Path parent = dir.resolve("app");
        Path machine = dir.resolve("machine");
        // the data dir where the machine's folder lands below the parent: PARENT/<the machine's path without its leading />
        Path data = Path.of(parent + machine.toString());
        try (OffsiteHarness app = new OffsiteHarness(parent)) {
            app.set("offsite.data.dir", data.toString());
            imageOf(app, machine);

            Said said = run(app, "restore-image", "--to", parent.toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isEqualTo(2);
            assertThat(said.err()).contains("offsite: --to " + parent + " would write ").contains(" into offsite.data.dir (" + data + ", as ")
                    .contains("where Offsite keeps its own state");
            assertThat(data.resolve("etc")).doesNotExist();
        }
    }

    @Test
    void restore_image_into_a_parent_of_the_data_dir_lands_its_entries_beside_it() throws Exception {
        Path parent = dir.resolve("app");
        Path machine = dir.resolve("machine");
        try (OffsiteHarness app = new OffsiteHarness(parent)) {
            imageOf(app, machine);

            Said said = run(app, "restore-image", "--to", parent.toString(), "--overwrite");

            assertThat(said.exit()).as(said.err() + said.out()).isZero();
            assertThat(Path.of(parent + machine.toString()).resolve("etc/hostname")).hasContent("host-a\n");
            assertThat(List.of(app.data.resolve("etc"), app.source.resolve("etc"))).allSatisfy(p -> assertThat(p).doesNotExist());
        }
    }
}
