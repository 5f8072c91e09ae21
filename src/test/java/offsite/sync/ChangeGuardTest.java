package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import offsite.store.RemoteObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The change guard decides on a plan alone: which files are held back, and whether the pass is refused. */
class ChangeGuardTest {

    /** A changed file: its stored size and its size now. */
    record Change(long stored, long now) {
    }

    record Case(String name, List<Change> changes, long unchangedBytes, double maxPercent, boolean accepted, int held, String refusal) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("a groom night: a few chunks rewritten at new sizes", List.of(new Change(600, 400), new Change(600, 650)), 9_000,
                        50, false, 0, null),
                new Case("every chunk truncated to 0 bytes: all held, nothing refused", List.of(new Change(600, 0), new Change(600, 0)), 0,
                        50, false, 2, null),
                new Case("shrunk to under 1% of its stored size: held", List.of(new Change(100_000, 999)), 1_000, 50, false, 1, null),
                new Case("shrunk to exactly 1%: sent", List.of(new Change(100_000, 1_000)), 1_000, 50, false, 0, null),
                new Case("rewritten in place at the same sizes, most of the set: refused",
                        List.of(new Change(600, 600), new Change(600, 600), new Change(600, 601)), 600, 50, false, 0,
                        "3 changed file(s) would replace 1.8 KiB of the 2.3 KiB stored (75.0%), more than offsite.sync.max-change-percent=50"),
                new Case("the same, accepted once: allowed", List.of(new Change(600, 600), new Change(600, 600)), 600, 50, true, 0, null),
                new Case("shrunken files are not counted", List.of(new Change(600, 300), new Change(600, 300)), 100, 50, false, 0, null),
                new Case("exactly at the limit: allowed", List.of(new Change(500, 500)), 500, 50, false, 0, null),
                new Case("a limit of 100 never refuses", List.of(new Change(500, 500)), 0, 100, false, 0, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void holds_back_what_shrank_to_nothing_and_refuses_a_pass_that_would_replace_too_much(Case c) {
        List<PlannedFile> files = new ArrayList<>();
        long remoteBytes = c.unchangedBytes();
        int i = 0;
        for (Change change : c.changes()) {
            String key = "sets/chunk" + i++;
            RemoteObject remote = new RemoteObject(key, change.stored(), "etag", Instant.EPOCH);
            LocalFile local = new LocalFile(key.substring(5), Path.of("/set", key.substring(5)), change.now(), Instant.EPOCH);
            files.add(new PlannedFile(SyncAction.CHANGED, key, change.now(), "size", local, remote));
            remoteBytes += change.stored();
        }
        files.add(new PlannedFile(SyncAction.UNCHANGED, "sets/other", c.unchangedBytes(), "same", null, null));
        SyncPlan plan = new SyncPlan(files, remoteBytes, files.size());

        ChangeGuard.Review review = new ChangeGuard(c.maxPercent()).review(plan, c.accepted());

        assertThat(review.held()).hasSize(c.held());
        assertThat(review.plan().with(SyncAction.HELD)).hasSize(c.held());
        assertThat(review.plan().uploads()).as("nothing held is sent").hasSize(c.changes().size() - c.held());
        if (c.refusal() == null) {
            assertThat(review.refusal()).isNull();
        } else {
            assertThat(review.refusal()).contains(c.refusal()).contains("sync --accept-changes");
        }
    }
}
