package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.Fallbacks;
import offsite.store.Generations;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A fresh remote copy beside the old one, which goes only once the new one is complete and verified. */
class GenerationsTest {

    @TempDir
    Path dir;

    /** A stored state that points where it must not, and what the refusal must name. */
    record Refusal(String name, String json, String names) {
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("a generation in the image backups (issue 15: they were retired into the trash)",
                        state(2, gen(1, "sets/"), gen(2, "images/")), "generation 2 has the prefix 'images/', but generation 2 lives under"
                                + " 'sets.g2/', which overlaps 'images/' (offsite.image.prefix)"),
                new Refusal("a generation in the trash", state(2, gen(1, "sets/"), gen(2, "trash/2026-01-01/sets/")),
                        "which overlaps 'trash/' (offsite.sync.trash-prefix)"),
                new Refusal("a generation at another generation's prefix", state(2, gen(1, "sets/"), gen(2, "sets.g3/")),
                        "generation 2 has the prefix 'sets.g3/', but generation 2 lives under 'sets.g2/'"),
                new Refusal("the current generation not among them", state(3, gen(1, "sets/"), gen(2, "sets.g2/")),
                        "the current generation 3 is not among its generations [1, 2]"),
                new Refusal("a number twice", state(2, gen(2, "sets.g2/"), gen(2, "sets.g2/")), "generation numbers must be unique"),
                new Refusal("no generation at all", "{\"current\": 1, \"generations\": []}", "it lists no generation"));
    }

    private static String gen(int number, String prefix) {
        return "{\"number\": " + number + ", \"prefix\": \"" + prefix + "\", \"started\": \"2026-01-01T00:00:00Z\"}";
    }

    private static String state(int current, String... generations) {
        return "{\"current\": " + current + ", \"generations\": [" + String.join(", ", generations) + "]}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void a_stored_state_pointing_anywhere_but_its_own_prefixes_is_refused_naming_the_file_and_what_is_wrong(Refusal c) {
        S3Settings s3 = TestS3.freshBucket();
        try (S3Client client = S3ClientFactory.create(s3)) {
            client.putObject(b -> b.bucket(s3.bucket()).key("sets.generations.json"), RequestBody.fromString(c.json()));
            Generations generations = new Generations(new S3Bucket(client, s3, new Fallbacks()), "sets/",
                    Map.of("offsite.sync.trash-prefix", "trash/", "offsite.image.prefix", "images/"));

            assertThatThrownBy(generations::load).isInstanceOf(Generations.Refused.class)
                    .hasMessageContaining("sets.generations.json in the bucket is refused: ").hasMessageContaining(c.names());
        }
    }

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
            Generations generations = new Generations(new S3Bucket(app.client, app.s3, new Fallbacks()), "sets/");
            assertThat(generations.load().current()).isEqualTo(2);
            assertThat(generations.load().currentGeneration().complete()).isNotNull();
            assertThat(generations.load().currentGeneration().verified()).isNull();

            assertThat(fresh.out()).as("the report lists the generations").contains("generation 2 (sets.g2/): current, complete")
                    .contains("generation 1 (sets/): older copy, kept until the current one is verified");
            OffsiteHarness.CommandResult status = app.command("status");
            assertThat(status.out()).contains("generation 2 (sets.g2/): current").contains("generation 1 (sets/): older copy")
                    .containsPattern("older +2 objects .* in sets/");
            Main running = app.startRunning();
            try {
                String api = new String(URI.create("http://127.0.0.1:" + app.httpPort() + "/api/status").toURL().openStream()
                        .readAllBytes(), StandardCharsets.UTF_8);
                var tree = new ObjectMapper().readTree(api);
                assertThat(tree.at("/sync/generations/0/number").asInt()).isEqualTo(2);
                assertThat(tree.at("/sync/generations/0/current").asBoolean()).isTrue();
                assertThat(tree.at("/sync/generations/1/prefix").asText()).isEqualTo("sets/");
                long sourceBytes = app.sourceFiles().keySet().stream().mapToLong(k -> app.source.resolve(k).toFile().length()).sum();
                assertThat(tree.at("/storedBytes").asLong()).as("both generations are stored and paid for").isGreaterThanOrEqualTo(2 * sourceBytes);
                String page = new String(URI.create("http://127.0.0.1:" + app.httpPort() + "/").toURL().openStream()
                        .readAllBytes(), StandardCharsets.UTF_8);
                assertThat(page).contains("id=\"generations\"").contains("generation 1 (sets/): older copy")
                        .contains("older generation sets/");
            } finally {
                running.stop();
            }

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

    /** How the source came to be empty beside a stored copy, and the command then run. */
    record EmptySource(String name, boolean startedBefore, String[] command) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<EmptySource> emptySources() {
        return Stream.of(
                new EmptySource("sync --new-generation from an unmounted disk", false, new String[] {"sync", "--new-generation"}),
                new EmptySource("a plain sync while the new generation is still empty (started, then the disk went)", true,
                        new String[] {"sync"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptySources")
    void an_empty_source_is_refused_while_any_generation_holds_a_copy(EmptySource c) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Members/AA000001.rdb", 3 << 20, 1);
            app.write("Set A.rbc", 2000, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Map<String, String> stored = app.bucketFiles("sets/");
            Generations generations = new Generations(new S3Bucket(app.client, app.s3, new Fallbacks()), "sets/");
            if (c.startedBefore()) {
                generations.save(generations.start(generations.load(), Instant.now()));
            }
            Generations.State before = generations.load();
            try (Stream<Path> files = Files.walk(app.source)) { // the mount point left behind by an unmounted disk
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(app.source)).forEach(p -> p.toFile().delete());
            }

            OffsiteHarness.CommandResult refused = app.set("offsite.sync.retire-after-days", "0").command(c.command());

            assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
            assertThat(refused.out()).startsWith("FAILED").contains("offsite.sync.source: " + app.source + " is empty but the bucket holds a copy");
            assertThat(app.bucketFiles("sets/")).as("the stored copy is untouched").isEqualTo(stored);
            assertThat(app.bucketFiles("sets.g2/")).isEmpty();
            assertThat(app.bucketFiles("trash/")).isEmpty();
            assertThat(generations.load()).as("no generation started, none marked complete").isEqualTo(before);
        }
    }

    @Test
    void a_new_generation_lacking_most_of_the_old_ones_objects_holds_its_retirement_and_trashes_nothing() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            for (int i = 0; i < 10; i++) {
                app.write("Members/AA00000" + i + ".rdb", 100_000, i);
            }
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Map<String, String> stored = app.bucketFiles("sets/");
            for (int i = 2; i < 10; i++) { // a disk half there when the new generation was made
                Files.delete(app.source.resolve("Members/AA00000" + i + ".rdb"));
            }
            app.set("offsite.sync.retire-after-days", "0");
            assertThat(app.command("sync", "--new-generation").exit()).isZero();
            assertThat(app.sync().status()).as("verifies generation 2").isEqualTo(RunStatus.OK);
            Generations generations = new Generations(new S3Bucket(app.client, app.s3, new Fallbacks()), "sets/");
            assertThat(generations.load().currentGeneration().verified()).isNotNull();

            SyncReport held = app.sync();

            assertThat(held.status()).as(held.text()).isEqualTo(RunStatus.WARN);
            assertThat(held.reason()).startsWith("retirement of generation 1 (sets/) HELD: 8 of its 10 object(s), 781.3 KiB, are not in"
                    + " generation 2 (sets.g2/): 80.0% of its bytes is more than offsite.sync.max-delete-percent=50")
                    .contains("nothing of it moved to the trash").contains("-Doffsite.sync.max-delete-percent=80")
                    .doesNotContain("max-delete-count=");
            assertThat(app.bucketFiles("sets/")).as("the old generation is untouched").isEqualTo(stored);
            assertThat(app.bucketFiles("trash/")).isEmpty();
            assertThat(generations.load().generations()).filteredOn(g -> g.number() == 1).singleElement()
                    .satisfies(g -> assertThat(g.retired()).isNull());

            SyncReport allowed = app.set("offsite.sync.max-delete-percent", "80").sync();

            assertThat(allowed.status()).as(allowed.text()).isEqualTo(RunStatus.OK);
            assertThat(allowed.notes()).anyMatch(n -> n.startsWith("retired generation 1 (sets/)"));
            assertThat(app.bucketFiles("trash/")).as("every object of the old generation, in the trash")
                    .hasSize(10).allSatisfy((key, digest) -> assertThat(digest).isEqualTo(stored.get(key.substring(key.indexOf("/sets/") + 6))));
        }
    }

    @Test
    void a_new_generation_made_from_a_truncated_source_holds_the_old_ones_retirement_whatever_the_limits() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            for (int i = 0; i < 4; i++) {
                app.write("Members/AA00000" + i + ".rdb", 300_000, i);
            }
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Map<String, String> stored = app.bucketFiles("sets/");
            Map<String, String> whole = app.sourceFiles();
            for (int i = 0; i < 4; i++) { // the disk lost its blocks
                Path chunk = app.source.resolve("Members/AA00000" + i + ".rdb");
                Files.write(chunk, new byte[0]);
                Files.setLastModifiedTime(chunk, FileTime.from(Instant.now().minusSeconds(3600)));
            }
            SyncReport plain = app.sync();
            assertThat(plain.actions().get("held").files()).as(plain.text()).isEqualTo(4);
            app.set("offsite.sync.retire-after-days", "0").set("offsite.sync.max-delete-percent", "100")
                    .set("offsite.sync.max-delete-count", "1000");
            assertThat(app.command("sync", "--new-generation").exit()).isZero();
            SyncReport verifying = app.sync();
            assertThat(verifying.status()).as(verifying.text()).isEqualTo(RunStatus.OK);

            SyncReport held = app.sync();

            assertThat(held.status()).as(held.text()).isEqualTo(RunStatus.WARN);
            assertThat(held.reason()).startsWith("retirement of generation 1 (sets/) HELD: 4 of its object(s), 1.1 MiB, shrank in generation"
                    + " 2 (sets.g2/) to 0 bytes or under 1% of their size (Members/AA000000.rdb 293.0 KiB -> 0 B, ")
                    .contains("nothing of it moved to the trash");
            assertThat(app.bucketFiles("sets/")).as("the old generation is untouched").isEqualTo(stored);
            assertThat(app.bucketFiles("trash/")).isEmpty();

            for (int i = 0; i < 4; i++) { // the source mended
                app.write("Members/AA00000" + i + ".rdb", 300_000, i);
            }
            SyncReport mended = app.sync();

            assertThat(mended.status()).as(mended.text()).isEqualTo(RunStatus.OK);
            assertThat(mended.notes()).anyMatch(n -> n.startsWith("retired generation 1 (sets/)"));
            assertThat(app.bucketFiles("sets.g2/")).isEqualTo(whole);
        }
    }

    @Test
    void a_restore_while_a_new_generation_is_being_filled_brings_back_the_older_whole_one() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            for (int i = 0; i < 3; i++) {
                app.write("Members/AA00000" + i + ".rdb", 100_000, i);
            }
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Map<String, String> whole = app.sourceFiles();
            Path writing = app.source.resolve("Members/AA000002.rdb");
            Files.setLastModifiedTime(writing, FileTime.from(Instant.now())); // still being written: left for the next run
            assertThat(app.command("sync", "--new-generation").exit()).isZero();
            assertThat(app.bucketFiles("sets.g2/")).hasSize(2);

            OffsiteHarness.CommandResult restored = app.command("restore-set", "--to", dir.resolve("restored").toString());

            assertThat(restored.exit()).as(restored.out()).isZero();
            assertThat(restored.out()).startsWith("note: generation 2 (sets.g2/) is still being filled (started ")
                    .contains("restoring generation 1 (sets/), the newest one mirrored whole; --generation 2 restores")
                    .contains("OK: 3 of 3 objects restored");
            assertThat(OffsiteHarness.digests(dir.resolve("restored"))).isEqualTo(whole);

            OffsiteHarness.CommandResult partial = app.command("restore-set", "--to", dir.resolve("partial").toString(), "--generation", "2");

            assertThat(partial.exit()).as("what the new generation holds so far is not the set").isEqualTo(1);
            assertThat(partial.out()).contains("WARN: 2 of 2 objects restored").contains("; but generation 2 (sets.g2/) is not marked complete");
        }
    }

    @Test
    void a_dry_run_of_a_new_generation_plans_every_file_anew_and_starts_nothing() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            for (int i = 0; i < 3; i++) {
                app.write("Members/AA00000" + i + ".rdb", 10_000, i);
            }
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Generations generations = new Generations(new S3Bucket(app.client, app.s3, new Fallbacks()), "sets/");
            Generations.State before = generations.load();

            OffsiteHarness.CommandResult plan = app.command("sync", "--dry-run", "--new-generation");

            assertThat(plan.exit()).as(plan.out()).isZero();
            assertThat(plan.out()).contains("sets.g2/Members/AA000000.rdb").contains("dry run of --new-generation: generation 2 would"
                    + " start under sets.g2/, and every file go up again; nothing was started");
            assertThat(plan.out()).containsPattern("total new +3 files").doesNotContainPattern("total unchanged +[1-9]");
            assertThat(generations.load()).as("no generation started").isEqualTo(before);
            assertThat(app.bucketFiles("sets.g2/")).isEmpty();
        }
    }
}
