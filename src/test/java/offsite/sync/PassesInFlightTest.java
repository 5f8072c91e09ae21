package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a one-shot command's progress line shows of a pass: its planning's hashing, then its uploads, then nothing. */
class PassesInFlightTest {

    private static Pass pass(boolean dryRun) {
        return new Pass(SyncRequest.command(dryRun, false, dryRun), Instant.now(), new TransferWindow(Clock.systemUTC(), Duration.ofHours(1),
                Duration.ofMinutes(1)), "sets/", 0);
    }

    @ParameterizedTest(name = "dry run: {0}")
    @ValueSource(booleans = {false, true})
    void a_planning_pass_shows_its_hashing_until_it_has_a_plan(boolean dryRun) {
        PassesInFlight passes = new PassesInFlight();
        Pass pass = pass(dryRun);
        passes.begin(pass);
        assertThat(passes.current()).as("scanning and listing: nothing counted yet").isNull();
        RunProgress hashing = new RunProgress("hashing", 600L << 20, () -> 200L << 20);
        pass.hashing(hashing);

        assertThat(passes.current()).isSameAs(hashing);
        assertThat(passes.progress()).as("the status page shows uploads only").isNull();

        pass.planned(new SyncPlan(List.of(), 0, 0), new DeletionPolicy.Decision(List.of(), null), Instant.now());

        assertThat(passes.current()).as(dryRun ? "a dry run sends nothing: verify goes on to its deep check" : "the uploads")
                .isSameAs(dryRun ? null : pass.progress());
        passes.end(pass);
        assertThat(passes.current()).isNull();
    }

    @Test
    void the_stall_watch_sees_a_pass_from_its_start_and_counts_hashing_and_trash_moves_as_progress() {
        PassesInFlight passes = new PassesInFlight();
        Pass pass = pass(false);
        passes.begin(pass);

        RunUnderWay started = passes.underWay();
        assertThat(started.run()).isSameAs(pass);
        assertThat(started.moved()).isZero();
        assertThat(started.doing()).isEqualTo("planning (walking the set, listing the bucket)");
        long[] read = {0};
        pass.hashing(new RunProgress("hashing", 1000, () -> read[0]));
        read[0] = 400;
        assertThat(passes.underWay().moved()).isEqualTo(400);
        assertThat(passes.underWay().doing()).isEqualTo("planning (walking the set, listing the bucket, hashing)");

        pass.planned(new SyncPlan(List.of(), 0, 0), new DeletionPolicy.Decision(List.of(), null), Instant.now());
        long planned = passes.underWay().moved();
        pass.stepped(); // a trash move: a server-side copy, no byte here
        pass.purgedOne();
        assertThat(passes.underWay().moved()).isEqualTo(planned + 2);
        assertThat(passes.underWay().doing()).isEqualTo("after the uploads (trash moves, the trash's purge, the listing kept)");

        passes.end(pass);
        assertThat(passes.underWay()).isNull();
    }

    @Test
    void hashing_counted_elsewhere_is_read_where_it_is_counted() {
        long[] read = {0};
        RunProgress hashing = new RunProgress("hashing", 1000, () -> read[0]);
        read[0] = 400;

        assertThat(hashing.sent()).isEqualTo(400);
        read[0] = 1000;
        assertThat(hashing.sent()).isEqualTo(1000);
    }
}
