package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import offsite.store.RemoteObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeletionPolicyTest {

    record Case(String name, boolean enabled, int maxCount, double maxPercent, int remoteOnly, int kept, int expectedDeletes, String refusal) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("off by default", false, 100, 50, 2, 8, 0, "deletions are off"),
                new Case("within both limits", true, 100, 50, 2, 8, 2, null),
                new Case("over the count: none", true, 1, 50, 2, 8, 0, "more than offsite.sync.max-delete-count=1"),
                new Case("over the percent: none", true, 100, 50, 6, 4, 0, "of remote bytes is more than offsite.sync.max-delete-percent=50"),
                new Case("exactly at the limits", true, 2, 20, 2, 8, 2, null),
                new Case("nothing to delete", true, 0, 0, 0, 8, 0, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void deletes_all_remote_only_objects_or_none(Case c) {
        List<PlannedFile> files = new ArrayList<>();
        for (int i = 0; i < c.remoteOnly(); i++) {
            files.add(new PlannedFile(SyncAction.REMOTE_ONLY, "gone" + i, 10, "not in the source", null, new RemoteObject("gone" + i, 10, "e", Instant.EPOCH)));
        }
        long remoteBytes = 10L * (c.remoteOnly() + c.kept());
        SyncPlan plan = new SyncPlan(files, remoteBytes, c.remoteOnly() + c.kept());

        DeletionPolicy.Decision decision = new DeletionPolicy(c.enabled(), c.maxCount(), c.maxPercent(), 30).decide(plan);

        assertThat(decision.deletes()).hasSize(c.expectedDeletes());
        if (c.refusal() == null) {
            assertThat(decision.refused()).isFalse();
        } else {
            assertThat(decision.refusal()).contains(c.refusal());
        }
    }
}
