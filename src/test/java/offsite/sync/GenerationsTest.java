package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
}
