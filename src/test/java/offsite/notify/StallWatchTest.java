package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import offsite.sync.RunUnderWay;
import org.junit.jupiter.api.Test;

class StallWatchTest {

    static final Instant STARTED = Instant.parse("2026-12-03T23:30:00Z");
    static final long MINUTE = Duration.ofMinutes(1).toNanos();

    final AtomicLong nanos = new AtomicLong();
    final AtomicReference<RunUnderWay> pass = new AtomicReference<>();
    final Object run = new Object();

    StallWatch watch(Duration after) {
        return new StallWatch(Map.of("sync", pass::get), Map.of("sync", "mirror pass"), after, nanos::get);
    }

    /** Looks every minute for the given minutes, the pass having moved this count at each look; the stalls said. */
    List<StalledRun> looks(StallWatch watch, long... moved) {
        List<StalledRun> said = new ArrayList<>();
        for (long m : moved) {
            pass.set(new RunUnderWay(run, STARTED, m, "sending Members/AA000121.rdb"));
            said.addAll(watch.stalled());
            nanos.addAndGet(MINUTE);
        }
        return said;
    }

    @Test
    void a_pass_that_moves_nothing_for_stalled_after_is_said_once_however_long_it_waits() {
        List<StalledRun> said = looks(watch(Duration.ofMinutes(30)), new long[120]); // two hours at 0 bytes

        assertThat(said).hasSize(1);
        assertThat(said.get(0).still()).isEqualTo(Duration.ofMinutes(30));
        assertThat(said.get(0).headline()).isEqualTo("WARN: the mirror pass under way since 2026-12-03T23:30:00Z has made no progress for"
                + " 30 min (offsite.stalled-after 30m), while sending Members/AA000121.rdb");
    }

    @Test
    void a_pass_that_moves_now_and_then_is_never_said_and_its_wait_starts_over_at_each_move() {
        long[] moved = new long[90];
        for (int i = 0; i < moved.length; i++) {
            moved[i] = i / 29; // a byte every 29 minutes: slow, not stalled
        }

        assertThat(looks(watch(Duration.ofMinutes(30)), moved)).isEmpty();
    }

    @Test
    void a_new_pass_starts_over_and_is_said_again_when_it_stalls_too() {
        StallWatch watch = watch(Duration.ofMinutes(30));
        assertThat(looks(watch, new long[40])).hasSize(1);

        pass.set(null); // the first pass ended
        assertThat(watch.stalled()).isEmpty();
        Object second = new Object();
        List<StalledRun> said = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pass.set(new RunUnderWay(second, STARTED.plusSeconds(86_400), 0, "planning"));
            said.addAll(watch.stalled());
            nanos.addAndGet(MINUTE);
        }

        assertThat(said).hasSize(1);
        assertThat(said.get(0).started()).isEqualTo(STARTED.plusSeconds(86_400));
    }

    @Test
    void stalled_after_zero_says_nothing() {
        assertThat(looks(watch(Duration.ZERO), new long[120])).isEmpty();
    }
}
