package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The listing a pass stores beside sets.generations.json: read back as written, small at 100,000 objects, compared by name and size. */
class MirrorListingTest {

    private static RemoteObject object(String key, long size) {
        return new RemoteObject(key, size, "0123456789abcdef0123456789abcdef", Instant.EPOCH);
    }

    @Test
    void a_listing_reads_back_as_written_whatever_its_keys_hold() throws IOException {
        MirrorListing listing = MirrorListing.of("sets/", List.of(object("sets/a", 0), object("sets/a/b c+%#?&.rdb", 5_000_000_000L),
                object("sets/ünï/cödé", 7), object("sets/line\nbreak\ttab", 1), object("sets/ab", 3),
                object("sets/" + "x".repeat(1000), 9)));

        MirrorListing back = MirrorListing.decode(listing.encode());

        assertThat(back).isEqualTo(listing);
        assertThat(back.sizes()).hasSize(6).containsEntry("a/b c+%#?&.rdb", 5_000_000_000L).containsEntry("line\nbreak\ttab", 1L);
        assertThat(back.bytes()).isEqualTo(5_000_000_000L + 7 + 1 + 3 + 9);
    }

    @Test
    void the_same_names_and_sizes_give_the_same_bytes_in_whatever_order_they_were_listed() {
        List<RemoteObject> objects = new ArrayList<>(List.of(object("sets/b", 2), object("sets/a", 1), object("sets/c/d", 3)));
        byte[] first = MirrorListing.of("sets/", objects).encode();
        Collections.reverse(objects);

        assertThat(MirrorListing.of("sets/", objects).encode()).isEqualTo(first);
        assertThat(MirrorListing.storedDigest(first)).matches("[0-9a-f]{64}");
    }

    @Test
    void the_content_digest_is_the_sha256_of_the_names_and_sizes_before_compression_and_reads_back_the_same() throws Exception {
        List<RemoteObject> objects = new ArrayList<>(List.of(object("sets/b", 2), object("sets/a", 1), object("sets/c/d", 3)));
        MirrorListing listing = MirrorListing.of("sets/", objects);
        Collections.reverse(objects);
        byte[] stored = listing.encode();
        byte[] content;
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(stored))) {
            content = in.readAllBytes();
        }

        assertThat(listing.contentDigest()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)))
                .isEqualTo(MirrorListing.of("sets/", objects).contentDigest())
                .isEqualTo(MirrorListing.decode(stored).contentDigest())
                .isNotEqualTo(MirrorListing.storedDigest(stored));
    }

    @Test
    void another_name_or_size_gives_another_content_digest() {
        String digest = MirrorListing.of("sets/", List.of(object("sets/a", 1), object("sets/b", 2))).contentDigest();

        assertThat(List.of(MirrorListing.of("sets/", List.of(object("sets/a", 1), object("sets/b", 3))),
                MirrorListing.of("sets/", List.of(object("sets/a", 1), object("sets/c", 2))),
                MirrorListing.of("sets/", List.of(object("sets/a", 1))),
                MirrorListing.of("sets/", List.of(object("sets/a", 1), object("sets/b", 2), object("sets/b/", 0))),
                MirrorListing.of("sets.g2/", List.of(object("sets.g2/a", 1), object("sets.g2/b", 2)))))
                .extracting(MirrorListing::contentDigest).doesNotContain(digest).doesNotHaveDuplicates();
    }

    @Test
    void stored_bytes_that_are_damaged_cut_short_or_another_object_do_not_read_as_a_listing() {
        byte[] stored = MirrorListing.of("sets/", List.of(object("sets/a", 1), object("sets/b", 2))).encode();

        assertThatThrownBy(() -> MirrorListing.decode(Arrays.copyOf(stored, stored.length - 3))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> MirrorListing.decode("{\"current\": 1}".getBytes())).isInstanceOf(IOException.class);
        byte[] flipped = stored.clone();
        flipped[flipped.length / 2] ^= 0x40;
        assertThatThrownBy(() -> MirrorListing.decode(flipped)).isInstanceOf(IOException.class);
    }

    @Test
    void a_listing_of_100000_objects_is_stored_in_well_under_a_megabyte() throws IOException {
        Random random = new Random(1);
        List<RemoteObject> objects = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) { // a set's folders of chunk files, sizes up to 600 MB spread at random (the worst case)
            objects.add(object(String.format("sets/host%d/2026-%02d/Members/AA%06d.rdb", i % 7, 1 + i % 12, i),
                    1 + (long) (random.nextDouble() * 600_000_000L)));
        }
        MirrorListing listing = MirrorListing.of("sets/", objects);

        byte[] stored = listing.encode();

        assertThat(stored.length).as("stored bytes").isLessThan(700_000);
        assertThat(MirrorListing.decode(stored)).isEqualTo(listing);
    }

    /** What the bucket lists now against the record of a, b (10 bytes each) and c/d (600 bytes). */
    record Case(String name, List<RemoteObject> listed, List<String> missing, List<String> resized, int unrecorded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("all there", List.of(object("sets/a", 10), object("sets/b", 10), object("sets/c/d", 600)), List.of(), List.of(), 0),
                new Case("one lost", List.of(object("sets/a", 10), object("sets/c/d", 600)), List.of("sets/b"), List.of(), 0),
                new Case("one lost, a stray of its size in its place", List.of(object("sets/a", 10), object("sets/z", 10),
                        object("sets/c/d", 600)), List.of("sets/b"), List.of(), 1),
                new Case("one lost, another grown by its bytes", List.of(object("sets/a", 20), object("sets/c/d", 600)), List.of("sets/b"),
                        List.of("sets/a"), 0),
                new Case("a stray alone", List.of(object("sets/a", 10), object("sets/b", 10), object("sets/c/d", 600),
                        object("sets/new", 1)), List.of(), List.of(), 1),
                new Case("all gone", List.of(), List.of("sets/a", "sets/b", "sets/c/d"), List.of(), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_comparison_names_what_the_record_holds_and_the_bucket_lacks_or_holds_at_another_size(Case c) {
        MirrorListing recorded = MirrorListing.of("sets/", List.of(object("sets/a", 10), object("sets/b", 10), object("sets/c/d", 600)));

        MirrorListing.Comparison found = recorded.compare(c.listed());

        assertThat(found.missing()).isEqualTo(c.missing());
        assertThat(found.resized().stream().map(MirrorListing.Resized::key).toList()).isEqualTo(c.resized());
        assertThat(found.unrecorded()).isEqualTo(c.unrecorded());
        assertThat(found.whole()).isEqualTo(c.missing().isEmpty() && c.resized().isEmpty());
    }
}
