package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import offsite.report.RunStatus;
import offsite.store.Fallbacks;
import offsite.store.Generations;
import offsite.store.MirrorListing;
import offsite.store.S3Bucket;
import offsite.store.ServiceClock;
import offsite.store.UnusedListings;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The listings beside sets.generations.json that no generation points to (a crash between a listing and its record, a
 * retired generation's) are deleted by a later pass that changes the record, once older than a day; nothing else is.
 */
class UnusedListingsTest {

    private static final Duration TWO_DAYS = Duration.ofDays(2);

    @TempDir
    Path dir;

    @Test
    void a_pass_deletes_day_old_listings_no_generation_points_to_and_keeps_fresh_ones_current_ones_and_every_other_key()
            throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            Generations generations = new Generations(new S3Bucket(app.client, app.s3, new Fallbacks()), "sets/");
            app.write("Members/AA000001.rdb", 3 << 20, 1);
            app.write("Set A.rbc", 999, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            assertThat(app.set("offsite.sync.retire-after-days", "0").command("sync", "--new-generation").exit()).isZero();
            String first = pointedTo(generations, 1);
            String second = pointedTo(generations, 2);
            // a crash between the listing and the record, two days ago and just now; lookalikes that are no listing's key
            String oldOrphan = put(app, generations.listingKey(1, MirrorListing.storedDigest(bytes("crashed two days ago"))));
            String freshOrphan = put(app, generations.listingKey(2, MirrorListing.storedDigest(bytes("crashed a moment ago"))));
            List<String> others = List.of(
                    put(app, "sets.generations/notes.txt"),
                    put(app, generations.listingKey(1, MirrorListing.storedDigest(bytes("a copy"))) + ".bak"),
                    put(app, "sets.generations/old/" + generations.listingKey(1, MirrorListing.storedDigest(bytes("nested"))).substring(17)),
                    put(app, "sets.generations/G1-" + MirrorListing.storedDigest(bytes("upper case")) + ".zst"),
                    put(app, "elsewhere/" + generations.listingKey(1, MirrorListing.storedDigest(bytes("outside")))));
            for (String key : concat(others, oldOrphan, first)) {
                TestS3.backdate(app.s3, key, TWO_DAYS);
            }

            assertThat(app.sync().status()).as("verifies generation 2: the record changes").isEqualTo(RunStatus.OK);

            assertThat(generations.load().currentGeneration().verified()).isNotNull();
            assertThat(keys(app)).as("the day-old orphan went; generation 1, still kept, keeps its listing however old")
                    .doesNotContain(oldOrphan).contains(first, second, freshOrphan).containsAll(others);

            assertThat(app.sync().status()).as("retires generation 1").isEqualTo(RunStatus.OK);

            assertThat(generations.load().generations()).filteredOn(g -> g.number() == 1).singleElement()
                    .satisfies(g -> assertThat(g.retired()).isNotNull());
            assertThat(keys(app)).as("the retired generation's listing went; the current one, the fresh orphan and every other key stay")
                    .doesNotContain(first, oldOrphan).contains(second, freshOrphan).containsAll(others);
            assertThat(pointedTo(generations, 2)).isEqualTo(second);
        }
    }

    @Test
    void nothing_is_deleted_while_the_state_in_the_bucket_cannot_be_read_as_stored() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            S3Bucket bucket = new S3Bucket(app.client, app.s3, new Fallbacks());
            Generations generations = new Generations(bucket, "sets/");
            app.write("Set A.rbc", 999, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            Generations.State saved = generations.load();
            String orphan = put(app, generations.listingKey(1, MirrorListing.storedDigest(bytes("crashed two days ago"))));
            TestS3.backdate(app.s3, orphan, TWO_DAYS);
            app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets.generations.json"), RequestBody.fromString("{ damaged"));
            UnusedListings unused = new UnusedListings(bucket, generations, new ServiceClock(Clock.systemUTC()));

            assertThat(unused.delete(saved)).isEmpty();
            assertThat(keys(app)).contains(orphan);
        }
    }

    private static String pointedTo(Generations generations, int number) {
        Generations.Generation g = generations.load().generations().stream().filter(x -> x.number() == number).findFirst().orElseThrow();
        return generations.listingKey(number, g.mirrored().listing());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String put(OffsiteHarness app, String key) {
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(key), RequestBody.fromString("stray " + Instant.now()));
        return key;
    }

    private static List<String> concat(List<String> some, String... more) {
        List<String> out = new ArrayList<>(some);
        out.addAll(List.of(more));
        return out;
    }

    private static Set<String> keys(OffsiteHarness app) {
        Set<String> out = new TreeSet<>();
        for (String prefix : List.of("sets.generations", "elsewhere/")) {
            TestS3.list(app.client, app.s3.bucket(), prefix).stream().map(S3Object::key).forEach(out::add);
        }
        return out;
    }
}
