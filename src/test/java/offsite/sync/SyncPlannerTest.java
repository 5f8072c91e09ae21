package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import offsite.store.RemoteObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SyncPlannerTest {

    /** One file's situation: local size (or -1 when absent), remote size (or -1), whether the ETags agree. */
    record Case(String name, long local, long remote, boolean sameEtag, boolean stillWriting, SyncAction expected, boolean hashes) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("new file", 10, -1, false, false, SyncAction.NEW, false),
                new Case("size differs", 10, 11, false, false, SyncAction.CHANGED, false),
                new Case("same size, other content", 10, 10, false, false, SyncAction.CHANGED, true),
                new Case("same size and ETag", 10, 10, true, false, SyncAction.UNCHANGED, true),
                new Case("gone from the source", -1, 10, false, false, SyncAction.REMOTE_ONLY, false),
                new Case("still being written, already remote", 10, 10, true, true, SyncAction.DEFERRED, false),
                new Case("still being written, new", 10, -1, false, true, SyncAction.DEFERRED, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides_each_file_by_size_first_and_etag_only_when_sizes_agree(Case c) {
        LocalFile local = c.local() < 0 ? null : new LocalFile("a/chunk", Path.of("/set/a/chunk"), c.local(), Instant.EPOCH);
        AtomicInteger hashed = new AtomicInteger();
        SyncPlanner planner = new SyncPlanner("sets/", f -> {
            hashed.incrementAndGet();
            return c.sameEtag() ? "abc" : "def";
        });
        List<LocalFile> stable = new ArrayList<>();
        List<LocalFile> writing = new ArrayList<>();
        if (c.local() >= 0) {
            (c.stillWriting() ? writing : stable).add(local);
        }
        List<RemoteObject> remote = c.remote() < 0 ? List.of() : List.of(new RemoteObject("sets/a/chunk", c.remote(), "\"abc\"", Instant.EPOCH));

        SyncPlan plan = planner.plan(stable, writing, remote);

        assertThat(plan.files()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(c.expected());
            assertThat(f.key()).isEqualTo("sets/a/chunk");
        });
        assertThat(hashed.get() > 0).as("hashed").isEqualTo(c.hashes());
    }

    /** A cached file in tonight's rehash share: what the cache holds and what its bytes give now (remote ETag "abc"). */
    record Rehash(String name, boolean chosen, String cached, String bytes, SyncAction expected, boolean stale) {
    }

    static Stream<Rehash> rehashes() {
        return Stream.of(
                new Rehash("chosen, bytes as cached", true, "abc", "abc", SyncAction.UNCHANGED, false),
                new Rehash("chosen, an edit the cache could not see", true, "abc", "def", SyncAction.CHANGED, true),
                new Rehash("not chosen: the cache is trusted", false, "abc", "def", SyncAction.UNCHANGED, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rehashes")
    void a_file_in_the_rehash_share_is_planned_by_its_bytes_and_a_stale_cache_entry_is_named(Rehash c) {
        LocalFile local = new LocalFile("a/chunk", Path.of("/set/a/chunk"), 10, Instant.EPOCH);
        AtomicInteger hashedAfresh = new AtomicInteger();
        SyncPlanner planner = new SyncPlanner("sets/", f -> c.cached(), f -> {
            hashedAfresh.incrementAndGet();
            return c.bytes();
        }, c.chosen() ? Set.of("a/chunk") : Set.of());

        SyncPlan plan = planner.plan(List.of(local), List.of(), List.of(new RemoteObject("sets/a/chunk", 10, "abc", Instant.EPOCH)));

        assertThat(plan.files()).singleElement().extracting(PlannedFile::action).isEqualTo(c.expected());
        assertThat(plan.staleCache()).isEqualTo(c.stale() ? Set.of("sets/a/chunk") : Set.of());
        assertThat(hashedAfresh.get()).isEqualTo(c.chosen() ? 1 : 0);
    }

    /**
     * A same-size file whose object is listed with ETag "e1": what else is known of it, and what is asked for. localEtag and
     * localMd5 are the file's; uploadedAs the ETag its upload was given; storedMd5 the object's md5chksum (null: none).
     */
    record Evidence(String name, boolean opaque, String uploadedAs, String localEtag, String storedMd5, SyncAction expected, int heads,
            int etagsComputed, String reason) {
    }

    static Stream<Evidence> evidence() {
        return Stream.of(
                new Evidence("the ETag its upload was given", true, "e1", "x", "m2", SyncAction.UNCHANGED, 0, 0, "the ETag it was uploaded with"),
                new Evidence("MD5 ETags, the local ETag", false, null, "e1", "m2", SyncAction.UNCHANGED, 0, 1, "same size and ETag"),
                new Evidence("MD5 ETags, another ETag, no md5chksum", false, null, "x", null, SyncAction.CHANGED, 1, 1, "ETag e1 -> x"),
                new Evidence("MD5 ETags, another ETag, the file's md5chksum (ETags not yet known opaque)", false, null, "x", "m1",
                        SyncAction.UNCHANGED, 1, 1, "its md5chksum"),
                new Evidence("opaque, the file's md5chksum: no local ETag computed", true, null, "x", "m1", SyncAction.UNCHANGED, 1, 0,
                        "its md5chksum"),
                new Evidence("opaque, another md5chksum", true, null, "x", "m2", SyncAction.CHANGED, 1, 0, "md5chksum m2 -> m1"),
                new Evidence("opaque, no md5chksum, the local ETag (stored before encryption)", true, null, "e1", null, SyncAction.UNCHANGED, 1,
                        1, "same size and ETag"),
                new Evidence("opaque, no md5chksum, another ETag", true, null, "x", null, SyncAction.CHANGED, 1, 1, "no md5chksum to compare"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evidence")
    void a_same_size_file_is_unchanged_by_its_upload_etag_its_local_etag_or_its_md5chksum(Evidence c) {
        LocalFile local = new LocalFile("a/chunk", Path.of("/set/a/chunk"), 10, Instant.EPOCH);
        AtomicInteger heads = new AtomicInteger();
        AtomicInteger computed = new AtomicInteger();
        SyncPlanner.ContentEvidence known = new SyncPlanner.ContentEvidence() {
            @Override
            public String uploadedAs(LocalFile file) {
                return c.uploadedAs();
            }

            @Override
            public String md5(LocalFile file) {
                return "m1";
            }

            @Override
            public String storedMd5(RemoteObject object) {
                heads.incrementAndGet();
                return c.storedMd5();
            }

            @Override
            public boolean opaque() {
                return c.opaque();
            }
        };
        SyncPlanner planner = new SyncPlanner("sets/", f -> {
            computed.incrementAndGet();
            return c.localEtag();
        }, f -> "unused", Set.of(), known);

        SyncPlan plan = planner.plan(List.of(local), List.of(), List.of(new RemoteObject("sets/a/chunk", 10, "e1", Instant.EPOCH)));

        assertThat(plan.files()).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(c.expected());
            assertThat(f.reason()).contains(c.reason());
        });
        assertThat(heads.get()).as("md5chksums asked for").isEqualTo(c.heads());
        assertThat(computed.get()).as("local ETags computed").isEqualTo(c.etagsComputed());
    }

    @Test
    void uploads_go_biggest_first_and_totals_add_up() {
        SyncPlanner planner = new SyncPlanner("", f -> "x");
        List<LocalFile> files = List.of(new LocalFile("s", Path.of("/s"), 1, Instant.EPOCH), new LocalFile("b", Path.of("/b"), 100, Instant.EPOCH),
                new LocalFile("m", Path.of("/m"), 10, Instant.EPOCH));

        SyncPlan plan = planner.plan(files, List.of(), List.of(new RemoteObject("gone", 7, "y", Instant.EPOCH)));

        assertThat(plan.uploads()).extracting(PlannedFile::key).containsExactly("b", "m", "s");
        assertThat(plan.uploadBytes()).isEqualTo(111);
        assertThat(plan.totals().get(SyncAction.NEW)).containsExactly(3, 111);
        assertThat(plan.totals().get(SyncAction.REMOTE_ONLY)).containsExactly(1, 7);
        assertThat(plan.remoteBytes()).isEqualTo(7);
    }
}
