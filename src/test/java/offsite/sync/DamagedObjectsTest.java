package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import offsite.store.RemoteObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** An object found damaged is sent again by the next plan while it still has the ETag it was found with, and only then. */
class DamagedObjectsTest {

    static final Instant T = Instant.parse("2026-12-06T13:30:00Z");

    @TempDir
    Path dir;

    /** A planned file, the ETag its object was found damaged at (null: none found), and whether the plan sends it again. */
    record Case(String name, SyncAction action, String remoteEtag, String foundEtag, boolean resent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("unchanged, found damaged at its ETag", SyncAction.UNCHANGED, "e1", "e1", true),
                new Case("unchanged, never found damaged", SyncAction.UNCHANGED, "e1", null, false),
                new Case("unchanged, replaced since it was found (another ETag)", SyncAction.UNCHANGED, "e2", "e1", false),
                new Case("changed anyway: sent for its own reason", SyncAction.CHANGED, "e1", "e1", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void the_plan_sends_again_a_file_whose_object_is_kept_as_damaged_at_its_etag(Case c) throws Exception {
        DamagedObjects damaged = new DamagedObjects(dir.resolve("damaged-objects.json"));
        LocalFile file = new LocalFile("Members/AA000001.rdb", dir.resolve("AA000001.rdb"), 10, T.minusSeconds(86_400));
        PlannedFile planned = new PlannedFile(c.action(), "sets/Members/AA000001.rdb", 10, "as planned", file,
                new RemoteObject("sets/Members/AA000001.rdb", 10, c.remoteEtag(), T.minusSeconds(86_400)));
        if (c.foundEtag() != null) {
            damaged.found(planned.key(), new DamagedObjects.Found(c.foundEtag(), T, "downloaded bytes hash to x but the ETag is e1"));
        }

        PlannedFile after = damaged.resend(new SyncPlan(List.of(planned), 10, 1)).files().get(0);

        assertThat(after.action() == SyncAction.CHANGED && after != planned).isEqualTo(c.resent());
        if (c.resent()) {
            assertThat(after.reason()).isEqualTo("its object was found damaged at 2026-12-06T13:30:00Z (downloaded bytes hash to x but the"
                    + " ETag is e1): sent again");
        }
    }

    @Test
    void an_object_sent_again_or_no_longer_there_is_forgotten_and_a_file_that_cannot_be_read_counts_as_none() throws Exception {
        Path file = dir.resolve("damaged-objects.json");
        DamagedObjects damaged = new DamagedObjects(file);
        damaged.found("sets/a", new DamagedObjects.Found("e1", T, "what"));
        damaged.found("sets/b", new DamagedObjects.Found("e2", T, "what"));

        damaged.sent(Set.of("sets/a", "sets/c"));

        assertThat(damaged.all()).containsOnlyKeys("sets/b");
        damaged.found("sets/d", new DamagedObjects.Found("e4", T, "what"));
        damaged.keepOnly(Set.of("sets/b", "sets/e")); // sets/d's file deleted since: nothing to send again
        assertThat(damaged.all()).containsOnlyKeys("sets/b");
        damaged.sent(Set.of("sets/b"));
        assertThat(file).as("nothing left to send: no file").doesNotExist();
        Files.writeString(file, "{\"sets/a\": ");
        assertThat(damaged.all()).isEmpty();
    }
}
