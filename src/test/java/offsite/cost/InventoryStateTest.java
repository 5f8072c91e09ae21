package offsite.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import offsite.image.ImageManifest;
import offsite.store.RemoteObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The inventory kept after each pass: paged by key, searched, totalled per part, replaced whole (issue 17 point 3). */
class InventoryStateTest {

    private static final Instant T = Instant.parse("2026-11-23T23:41:07Z");

    @TempDir
    Path dir;

    /** 1,200 members, 3 catalogs, 2 objects in the trash and 2 in images: 1,207 rows. */
    private static List<InventoryState.Listed> bucket() {
        List<RemoteObject> members = new ArrayList<>(IntStream.range(0, 1200)
                .mapToObj(i -> new RemoteObject(String.format("sets/Members/AA%06d.rdb", i), 100 + i, "e" + i, T)).toList());
        Collections.shuffle(members, new Random(1)); // the listing's order is not the page's
        List<RemoteObject> sets = new ArrayList<>(members);
        for (String name : List.of("sets/Catalog A.rbc", "sets/catalog b.rbc", "sets/Z.rbc")) {
            sets.add(new RemoteObject(name, 1000, "c", T));
        }
        return List.of(new InventoryState.Listed("sync", "sets/", sets),
                new InventoryState.Listed("trash", "trash/", List.of(new RemoteObject("trash/2026-11-20/sets/old.rdb", 7, "t", T),
                        new RemoteObject("trash/2026-11-21/sets/Catalog A.rbc", 9, "t", T))),
                new InventoryState.Listed("image", "images/", List.of(new RemoteObject("images/ID1/full.tar.zst", 5000, "i", T),
                        new RemoteObject("images/ID1/manifest.json", 300, "m", T))));
    }

    /** A query, and the page it must give: how many rows, the first and last key, the totals around it. */
    record Paging(String name, InventoryState.Query query, int rows, String first, String last, int matching, int before, boolean more) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Paging> paging() {
        return Stream.of(
                new Paging("the first page: 500 rows in key order, a token for the next", InventoryState.Query.FIRST, 500,
                        "images/ID1/full.tar.zst", "sets/Members/AA000496.rdb", 1207, 0, true),
                new Paging("the page after a token", new InventoryState.Query("", "", "sets/Members/AA000496.rdb"), 500,
                        "sets/Members/AA000497.rdb", "sets/Members/AA000996.rdb", 1207, 500, true),
                new Paging("the last page has no token", new InventoryState.Query("", "", "sets/Members/AA000996.rdb"), 207,
                        "sets/Members/AA000997.rdb", "trash/2026-11-21/sets/Catalog A.rbc", 1207, 1000, false),
                new Paging("a prefix: only keys under it", new InventoryState.Query("sets/Members/AA0011", "", ""), 100,
                        "sets/Members/AA001100.rdb", "sets/Members/AA001199.rdb", 100, 0, false),
                new Paging("a prefix that is also a key's start, not a folder", new InventoryState.Query("sets/C", "", ""), 1,
                        "sets/Catalog A.rbc", "sets/Catalog A.rbc", 1, 0, false),
                new Paging("search: a substring in any case, anywhere in the key", new InventoryState.Query("", "CATALOG", ""), 3,
                        "sets/Catalog A.rbc", "trash/2026-11-21/sets/Catalog A.rbc", 3, 0, false),
                new Paging("search within a prefix", new InventoryState.Query("sets/", "catalog", ""), 2,
                        "sets/Catalog A.rbc", "sets/catalog b.rbc", 2, 0, false),
                new Paging("search matching more than a page", new InventoryState.Query("", ".rdb", ""), 500,
                        "sets/Members/AA000000.rdb", "sets/Members/AA000499.rdb", 1201, 0, true),
                new Paging("nothing matches", new InventoryState.Query("", "no such key", ""), 0, null, null, 0, 0, false),
                new Paging("a token past the end", new InventoryState.Query("", "", "zzz"), 0, null, null, 1207, 1207, false),
                new Paging("a token that is no key: the keys after it", new InventoryState.Query("", "", "sets/Members/AA000499.rdb-"), 500,
                        "sets/Members/AA000500.rdb", "sets/Members/AA000999.rdb", 1207, 503, true));
    }

    @ParameterizedTest
    @MethodSource("paging")
    void a_page_is_500_rows_in_key_order_with_the_totals_per_part(Paging c) throws Exception {
        InventoryState state = new InventoryState(dir.resolve("inventory.json"));
        state.save(T, bucket(), List.of());

        InventoryState.Snapshot snapshot = new InventoryState(dir.resolve("inventory.json")).load(); // as another process reads it
        InventoryState.Page page = snapshot.page(c.query());

        assertThat(page.rows()).hasSize(c.rows());
        assertThat(page.rows()).extracting(InventoryState.Row::key).isSorted();
        if (c.rows() > 0) {
            assertThat(page.rows().get(0).key()).isEqualTo(c.first());
            assertThat(page.rows().get(page.rows().size() - 1).key()).isEqualTo(c.last());
        }
        assertThat(page.matching()).isEqualTo(c.matching());
        assertThat(page.before()).isEqualTo(c.before());
        assertThat(page.next()).isEqualTo(c.more() ? c.last() : null);
        assertThat(snapshot.parts()).containsExactly(Map.entry("sync", new InventoryState.Count(1203, 1200 * 100 + 1199 * 1200 / 2 + 3000)),
                Map.entry("trash", new InventoryState.Count(2, 16)), Map.entry("image", new InventoryState.Count(2, 5300)));
    }

    @Test
    void the_inventory_takes_the_permissions_every_new_file_of_the_process_takes() throws Exception {
        Path inventory = dir.resolve("inventory.json");

        new InventoryState(inventory).save(T, bucket(), List.of());

        // was rw------- (a temporary file's): another user of the data directory (a container's other uid) could not read it
        assertThat(Files.getPosixFilePermissions(inventory)).isEqualTo(Files.getPosixFilePermissions(Files.createFile(dir.resolve("new"))));
    }

    @Test
    void following_the_tokens_visits_every_matching_row_once() throws Exception {
        InventoryState state = new InventoryState(dir.resolve("inventory.json"));
        InventoryState.Snapshot snapshot = state.save(T, bucket(), List.of());
        List<String> seen = new ArrayList<>();
        InventoryState.Query q = new InventoryState.Query("sets/", "a", "");
        for (InventoryState.Page page = snapshot.page(q); ; page = snapshot.page(new InventoryState.Query("sets/", "a", page.next()))) {
            page.rows().forEach(r -> seen.add(r.key()));
            if (page.next() == null) {
                break;
            }
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(1202).allMatch(k -> k.startsWith("sets/") && k.toLowerCase().contains("a"));
    }

    @Test
    void an_object_under_two_listed_prefixes_is_one_row_under_the_longer_prefix() throws Exception {
        InventoryState state = new InventoryState(dir.resolve("inventory.json"));
        RemoteObject trashed = new RemoteObject("trash/2026-11-20/a", 10, "t", T);
        InventoryState.Snapshot s = state.save(T, List.of(new InventoryState.Listed("sync", "", List.of(trashed, new RemoteObject("b", 5, "b", T))),
                new InventoryState.Listed("trash", "trash/", List.of(trashed))), List.of());

        assertThat(s.rows()).extracting(InventoryState.Row::part).containsExactly("sync", "trash");
        assertThat(s.parts().get("sync")).isEqualTo(new InventoryState.Count(1, 5));
        assertThat(s.areas()).extracting(InventoryState.Area::count).containsExactly(new InventoryState.Count(1, 5), new InventoryState.Count(1, 10));
    }

    @Test
    void an_update_replaces_only_the_prefixes_it_lists_and_keeps_the_image_backups() throws Exception {
        InventoryState state = new InventoryState(dir.resolve("inventory.json"));
        ImageManifest id1 = manifest("ID1");
        state.save(T, bucket(), List.of(id1));

        InventoryState.Snapshot s = state.update(T, T.plusSeconds(60), List.of(new InventoryState.Listed("sync", "sets/",
                List.of(new RemoteObject("sets/only.rdb", 42, "o", T)))));

        assertThat(s.listed()).as("the whole bucket was listed then").isEqualTo(T);
        assertThat(s.updated()).as("its mirror part now").isEqualTo(T.plusSeconds(60));
        assertThat(s.parts().get("sync")).isEqualTo(new InventoryState.Count(1, 42));
        assertThat(s.parts().get("trash")).isEqualTo(new InventoryState.Count(2, 16));
        assertThat(s.imageBackups()).containsExactly(id1);
    }

    @Test
    void an_image_backup_known_before_stays_while_its_manifest_is_listed() throws Exception {
        InventoryState state = new InventoryState(dir.resolve("inventory.json"));
        state.save(T, bucket(), List.of(manifest("ID1"), manifest("ID0")));
        assertThat(state.load().imageBackups()).as("ID0's manifest is not listed").extracting(ImageManifest::id).containsExactly("ID1");

        InventoryState.Snapshot s = new InventoryState(dir.resolve("inventory.json")).save(T, bucket(), List.of()); // a process that read none

        assertThat(s.imageBackups()).extracting(ImageManifest::id).containsExactly("ID1");
    }

    @Test
    void a_damaged_file_is_named_and_the_next_listing_replaces_it() throws Exception {
        Path file = dir.resolve("inventory.json");
        Files.writeString(file, "{\"listed\":\"2026-11-23T23:41:07Z\",\"areas\":[{\"part\":\"sync\",\"prefix\":\"sets/\",\"objects\":[{\"k\":\"se");
        InventoryState state = new InventoryState(file);

        assertThatThrownBy(state::load).hasMessageStartingWith(file + " is not a readable inventory (")
                .hasMessageEndingWith("it is written again after the next pass");
        assertThat(state.save(T, bucket(), List.of()).rows()).hasSize(1207);
        assertThat(new InventoryState(file).load().rows()).hasSize(1207);
    }

    @Test
    void a_reader_sees_the_old_listing_or_the_new_one_whole_while_it_is_replaced() throws Exception {
        Path file = dir.resolve("inventory.json");
        List<InventoryState.Listed> small = List.of(new InventoryState.Listed("sync", "sets/", List.of(new RemoteObject("sets/a", 1, "a", T))));
        new InventoryState(file).save(T, small, List.of());
        AtomicBoolean writing = new AtomicBoolean(true);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                InventoryState w = new InventoryState(file);
                for (int i = 0; i < 20; i++) {
                    w.save(T, i % 2 == 0 ? bucket() : small, List.of());
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                writing.set(false);
            }
        });
        Set<Integer> sizes = new HashSet<>();
        while (writing.get()) {
            sizes.add(new InventoryState(file).load().rows().size());
        }
        writer.get(60, TimeUnit.SECONDS);
        assertThat(sizes).isSubsetOf(1, 1207);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("no temporary file left").containsExactly(file);
        }
    }

    private static ImageManifest manifest(String id) {
        return new ImageManifest(id, "2026-11-23T10:00:00Z", "full", null, "0".repeat(64), "host-a",
                List.of(new ImageManifest.StoredObject("images/" + id + "/full.tar.zst", "full", "zstd", 5000, "1".repeat(64), 20000L)), 2, null);
    }
}
