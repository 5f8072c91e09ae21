package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import offsite.store.MirrorListing;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The listing each pass stores beside sets.generations.json, through the real application on S3Proxy. */
class RestoreNamesLostObjectsTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 6 * MB + 7, 1); // two parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        assertThat(app.sync().status().name()).isEqualTo("OK");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private List<String> listings() {
        return TestS3.list(app.client, app.s3.bucket(), "sets.generations/").stream().map(S3Object::key).toList();
    }

    private String generationsJson() {
        return app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key("sets.generations.json")).asString(StandardCharsets.UTF_8);
    }

    @Test
    void a_pass_stores_the_listing_its_generations_record_points_to_and_a_pass_that_changes_nothing_writes_none() throws Exception {
        List<String> first = listings();
        assertThat(first).hasSize(1).allMatch(k -> k.matches("sets\\.generations/g1-[0-9a-f]{64}\\.zst"));
        String state = generationsJson();
        assertThat(state).contains("\"listing\" : \"" + first.get(0).substring("sets.generations/g1-".length(), first.get(0).length() - 4));
        MirrorListing stored = MirrorListing.decode(app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key(first.get(0))).asByteArray());
        assertThat(stored.sizes()).containsOnlyKeys("Members/AA000001.rdb", "Members/AA000002.rdb", "Set A.rbc").containsEntry("Set A.rbc", 999L);

        assertThat(app.sync().status().name()).isEqualTo("OK");
        assertThat(listings()).isEqualTo(first);

        app.write("Set B.rbc", 10, 4);
        assertThat(app.dryRun().dryRun()).isTrue();
        assertThat(listings()).as("a dry run writes nothing").isEqualTo(first);

        assertThat(app.sync().status().name()).isEqualTo("OK");
        assertThat(listings()).as("the new listing replaces the old one").hasSize(1).doesNotContainAnyElementsOf(first);
    }
}
