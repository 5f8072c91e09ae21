package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import offsite.faults.FaultProxy;
import offsite.store.MirrorListing;
import offsite.store.RemoteObject;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * restore-set against the listing the last pass stored beside sets.generations.json, through the real command line on
 * S3Proxy: what the bucket lost since is named by key, however the counts come out.
 */
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

    private void delete(String key) {
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key(key));
    }

    private void put(String key, int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(key), RequestBody.fromBytes(bytes));
    }

    private List<String> listings() {
        return TestS3.list(app.client, app.s3.bucket(), "sets.generations/").stream().map(S3Object::key).toList();
    }

    private String generationsJson() {
        return app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key("sets.generations.json")).asString(StandardCharsets.UTF_8);
    }

    /** The Mirrored record of the one generation, as sets.generations.json holds it. */
    private String mirroredRecord() {
        Matcher m = Pattern.compile("\"mirrored\" : \\{[^}]*}").matcher(generationsJson());
        assertThat(m.find()).as(generationsJson()).isTrue();
        return m.group();
    }

    /** Runs a pass (it must end OK) through a proxy that counts the PUTs of listings beside sets.generations.json. */
    private int listingPutsOfAPass() throws Exception {
        AtomicInteger puts = new AtomicInteger();
        try (FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port());
            proxy.refuse(r -> r.method().equals("PUT") && r.path().contains("/sets.generations/") && puts.incrementAndGet() < 0, 403,
                    "AccessDenied"); // counts, refuses none
            assertThat(app.sync().status().name()).isEqualTo("OK");
        } finally {
            app.set("offsite.s3.endpoint", app.s3.endpoint().toString());
        }
        return puts.get();
    }

    private byte[] bytesOf(String key) {
        return app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key(key)).asByteArray();
    }

    private static String sha256In(String listingKey) {
        return listingKey.substring(listingKey.lastIndexOf('-') + 1, listingKey.length() - ".zst".length());
    }

    /**
     * Turns the stored listing and its record into what an Offsite before content digests left: the listing named by, and
     * the record holding, the SHA-256 of its compressed bytes (encode writes the same bytes as it did then); its key.
     */
    private String recordFromBeforeContentDigests() {
        String key = listings().get(0);
        byte[] stored = bytesOf(key);
        String old = MirrorListing.storedDigest(stored);
        String oldKey = "sets.generations/g1-" + old + ".zst";
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(oldKey), RequestBody.fromBytes(stored));
        delete(key);
        String state = generationsJson();
        assertThat(state).contains(sha256In(key));
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets.generations.json"),
                RequestBody.fromString(state.replace(sha256In(key), old)));
        return oldKey;
    }

    private static String verdict(OffsiteHarness.CommandResult result) {
        return result.out().lines().filter(l -> l.startsWith("FAILED: ") || l.startsWith("OK: ") || l.startsWith("WARN: "))
                .findFirst().orElse("");
    }

    private OffsiteHarness.CommandResult restore(String into) throws Exception {
        return app.command("restore-set", "--to", dir.resolve(into).toString());
    }

    @Test
    void a_pass_stores_the_listing_its_generations_record_points_to_and_a_pass_that_changes_nothing_writes_none() throws Exception {
        List<String> first = listings();
        assertThat(first).hasSize(1).allMatch(k -> k.matches("sets\\.generations/g1-[0-9a-f]{64}\\.zst"));
        String state = generationsJson();
        assertThat(state).contains("\"listing\" : \"" + first.get(0).substring("sets.generations/g1-".length(), first.get(0).length() - 4));
        MirrorListing stored = MirrorListing.decode(bytesOf(first.get(0)));
        assertThat(stored.sizes()).containsOnlyKeys("Members/AA000001.rdb", "Members/AA000002.rdb", "Set A.rbc").containsEntry("Set A.rbc", 999L);
        assertThat(sha256In(first.get(0))).as("named by its names and sizes").isEqualTo(stored.contentDigest());

        String mirrored = mirroredRecord();
        assertThat(listingPutsOfAPass()).as("a pass that changes nothing stores no listing").isZero();
        assertThat(listings()).isEqualTo(first);
        assertThat(mirroredRecord()).as("a pass that changes nothing leaves the record as it was").isEqualTo(mirrored);

        app.write("Set B.rbc", 10, 4);
        assertThat(app.dryRun().dryRun()).isTrue();
        assertThat(listings()).as("a dry run writes nothing").isEqualTo(first);

        assertThat(app.sync().status().name()).isEqualTo("OK");
        assertThat(listings()).as("the new listing replaces the old one").hasSize(1).doesNotContainAnyElementsOf(first);
    }

    @Test
    void a_deleted_object_is_named_and_the_restore_fails_saying_how_to_use_the_partial_set() throws Exception {
        delete("sets/Set A.rbc");

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("  missing: sets/Set A.rbc (999 bytes when the last pass (")
                .contains("a partial set: every object the bucket still holds is restored to " + dir.resolve("restored"))
                .doesNotContain("OK: ");
        assertThat(verdict(result)).startsWith("FAILED: 2 of 2 objects restored")
                .contains("; but the bucket lacks 1 of the 3 objects the last pass (", ") left under sets/ (named above): deleted or"
                        + " replaced since, not by a pass");
        assertThat(dir.resolve("restored/Members/AA000002.rdb")).exists();
    }

    @Test
    void a_deleted_object_with_a_stray_one_of_the_same_size_in_its_place_is_still_named() throws Exception {
        delete("sets/Set A.rbc");
        put("sets/Set Z.rbc", 999); // the counts and bytes are the last pass's again

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("  missing: sets/Set A.rbc (999 bytes", "note: 1 object(s) under sets/ are not in what the last"
                + " pass (").doesNotContain("missing: sets/Set Z.rbc");
        assertThat(verdict(result)).startsWith("FAILED: 3 of 3 objects restored").contains("1 of the 3 objects");
    }

    @Test
    void a_lost_object_and_another_grown_by_its_bytes_are_both_named() throws Exception {
        delete("sets/Set A.rbc");
        put("sets/Members/AA000002.rdb", 2 * MB + 999); // the bytes stay the last pass's, one object fewer

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("  missing: sets/Set A.rbc", "  another size: sets/Members/AA000002.rdb (" + (2 * MB + 999)
                + " bytes, " + 2 * MB + " when the last pass (");
        assertThat(verdict(result)).contains("lacks 1 of the 3 objects", "left under sets/ and holds 1 of them at another size (named above)");
    }

    @Test
    void an_object_replaced_at_another_size_alone_is_named() throws Exception {
        put("sets/Set A.rbc", 1000); // another client's copy, one byte longer

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("  another size: sets/Set A.rbc (1000 bytes, 999 when the last pass (").doesNotContain("missing:");
        assertThat(verdict(result)).startsWith("FAILED: 3 of 3 objects restored").contains("; but the bucket holds 1 of the 3 objects the"
                + " last pass (", ") left under sets/ at another size (named above)");
    }

    @Test
    void a_stray_object_alone_is_restored_with_the_set_and_counted_not_failed() throws Exception {
        put("sets/uploaded by hand.txt", 12);

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("note: 1 object(s) under sets/ are not in what the last pass (", "OK: 4 of 4 objects restored")
                .doesNotContain("missing:", "partial set");
    }

    @Test
    void a_failed_pass_records_what_it_changed_but_never_accepts_what_the_bucket_lost() throws Exception {
        delete("sets/Set A.rbc"); // lost; the next pass would send it again, but the store refuses that upload
        app.write("Members/AA000002.rdb", 2 * MB + 5, 7); // a groom night: rewritten at another size, sent
        try (FaultProxy proxy = new FaultProxy(app.s3.endpoint().getPort())) {
            app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port());
            proxy.refuse(r -> r.method().equals("PUT") && r.path().endsWith("/sets/Set%20A.rbc"), 403, "AccessDenied");
            assertThat(app.sync().status().name()).isEqualTo("FAILED");
            app.set("offsite.s3.endpoint", app.s3.endpoint().toString());
        }

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("  missing: sets/Set A.rbc").doesNotContain("another size");
        assertThat(verdict(result)).startsWith("FAILED: 2 of 2 objects restored").contains("1 of the 3 objects");
    }

    @Test
    void a_pass_that_leaves_a_lost_object_for_later_keeps_it_expected() throws Exception {
        delete("sets/Set A.rbc");
        // still being written at the source: the pass defers it, runs to its end, and does not send it again yet
        Files.setLastModifiedTime(app.source.resolve("Set A.rbc"), FileTime.from(Instant.now()));
        assertThat(app.sync().status().name()).isEqualTo("WARN");

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("  missing: sets/Set A.rbc (999 bytes");
    }

    @Test
    void more_missing_objects_than_are_named_are_counted_in_one_line() throws Exception {
        for (int i = 0; i < 25; i++) {
            app.write("Loose/L" + i + ".rdb", 10 + i, 10 + i);
        }
        assertThat(app.sync().status().name()).isEqualTo("OK");
        for (int i = 0; i < 25; i++) {
            delete("sets/Loose/L" + i + ".rdb");
        }

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out().lines().filter(l -> l.startsWith("  missing: "))).hasSize(RecordedSetCheck.NAMED);
        assertThat(result.out()).contains("  ... and 5 more missing or of another size");
        assertThat(verdict(result)).contains("lacks 25 of the 28 objects");
    }

    @Test
    void a_generations_file_from_before_the_listing_is_checked_by_counts_as_before() throws Exception {
        String state = generationsJson();
        String old = state.replaceAll(",\\s*\"listing\" : \"[0-9a-f]{64}\"", "");
        assertThat(old).doesNotContain("listing").contains("\"objects\" : 3");
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets.generations.json"), RequestBody.fromString(old));
        listings().forEach(this::delete);

        OffsiteHarness.CommandResult whole = restore("whole");
        assertThat(whole.exit()).as(whole.out()).isZero();
        assertThat(whole.out()).contains("OK: 3 of 3 objects restored").doesNotContain("note: ");

        delete("sets/Set A.rbc");
        OffsiteHarness.CommandResult lost = restore("lost");
        assertThat(lost.exit()).as(lost.out()).isEqualTo(1);
        assertThat(verdict(lost)).contains("; but the bucket lists 2 objects (" + (8 * MB + 7)
                + " bytes) under sets/ where the last pass (");

        // the next pass puts the object back and stores a listing: names from then on
        assertThat(app.sync().status().name()).isEqualTo("OK");
        assertThat(listings()).hasSize(1);
        OffsiteHarness.CommandResult again = restore("again");
        assertThat(again.exit()).as(again.out()).isZero();
    }

    @Test
    void a_record_from_before_content_digests_still_names_what_the_bucket_lost() throws Exception {
        recordFromBeforeContentDigests();

        OffsiteHarness.CommandResult whole = restore("whole");
        assertThat(whole.exit()).as(whole.out()).isZero();
        assertThat(whole.out()).contains("OK: 3 of 3 objects restored").doesNotContain("note: ");

        delete("sets/Set A.rbc");
        OffsiteHarness.CommandResult lost = restore("lost");
        assertThat(lost.exit()).as(lost.out()).isEqualTo(1);
        assertThat(lost.out()).contains("  missing: sets/Set A.rbc (999 bytes when the last pass (");
        assertThat(verdict(lost)).contains("lacks 1 of the 3 objects");
    }

    @Test
    void a_record_from_before_content_digests_with_its_listing_damaged_is_not_used() throws Exception {
        String oldKey = recordFromBeforeContentDigests();
        byte[] flipped = bytesOf(oldKey);
        flipped[flipped.length / 2] ^= 0x40;
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(oldKey), RequestBody.fromBytes(flipped));

        OffsiteHarness.CommandResult damaged = restore("damaged");

        assertThat(damaged.exit()).as(damaged.out()).isZero();
        assertThat(damaged.out()).contains("note: the listing of what the last pass left cannot be used (" + oldKey + " does not hold the"
                + " bytes its name's SHA-256 says)");
    }

    @Test
    void the_pass_after_a_record_from_before_content_digests_stores_the_listing_once_under_its_content_digest() throws Exception {
        String oldKey = recordFromBeforeContentDigests();

        assertThat(app.sync().status().name()).isEqualTo("OK");
        List<String> converted = listings();
        assertThat(converted).hasSize(1).doesNotContain(oldKey);
        assertThat(sha256In(converted.get(0))).isEqualTo(MirrorListing.decode(bytesOf(converted.get(0))).contentDigest());
        String mirrored = mirroredRecord();
        assertThat(mirrored).contains(sha256In(converted.get(0)));
        assertThat(generationsJson()).doesNotContain(sha256In(oldKey));

        assertThat(app.sync().status().name()).isEqualTo("OK");
        assertThat(listings()).as("once: the pass after writes none").isEqualTo(converted);
        assertThat(mirroredRecord()).isEqualTo(mirrored);
    }

    @Test
    void a_change_stores_a_new_listing_and_record_that_restore_set_names_missing_objects_from() throws Exception {
        List<String> first = listings();
        app.write("Set B.rbc", 10, 4);
        assertThat(listingPutsOfAPass()).isEqualTo(1);
        List<String> second = listings();
        assertThat(second).hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(mirroredRecord()).contains(sha256In(second.get(0)), "\"objects\" : 4");

        delete("sets/Set B.rbc");
        OffsiteHarness.CommandResult lost = restore("lost");

        assertThat(lost.exit()).as(lost.out()).isEqualTo(1);
        assertThat(lost.out()).contains("  missing: sets/Set B.rbc (10 bytes when the last pass (");
        assertThat(verdict(lost)).contains("lacks 1 of the 4 objects");
    }

    @Test
    void a_listing_whose_names_and_sizes_are_not_those_its_name_says_is_not_used() throws Exception {
        String key = listings().get(0);
        MirrorListing other = MirrorListing.of("sets/", List.of(new RemoteObject("sets/Set A.rbc", 999, "", Instant.EPOCH)));
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(key), RequestBody.fromBytes(other.encode()));

        OffsiteHarness.CommandResult result = restore("restored");

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("note: the listing of what the last pass left cannot be used (" + key + " does not hold the"
                + " bytes its name's SHA-256 says)", "OK: 3 of 3 objects restored");
    }

    @Test
    void a_listing_that_is_missing_or_damaged_never_fails_a_whole_set_and_says_the_counts_were_compared() throws Exception {
        String key = listings().get(0);
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(key), RequestBody.fromString("not a listing"));

        OffsiteHarness.CommandResult damaged = restore("damaged");
        assertThat(damaged.exit()).as(damaged.out()).isZero();
        assertThat(damaged.out()).contains("note: the listing of what the last pass left cannot be used (" + key + " does not hold the"
                + " bytes its name's SHA-256 says): the bucket is compared with it by counts only", "OK: 3 of 3 objects restored");

        delete(key);
        OffsiteHarness.CommandResult gone = restore("gone");
        assertThat(gone.exit()).as(gone.out()).isZero();
        assertThat(gone.out()).contains("note: the listing of what the last pass left cannot be used (cannot read " + key);
    }
}
