package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import offsite.store.Generations.Generation;
import offsite.store.Generations.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** restore-set brings back a generation mirrored whole unless told otherwise, and says so when it cannot. */
class RestoreChoiceTest {

    private static final Instant T = Instant.parse("2026-11-30T23:30:00Z");

    static Generation complete(int n, String prefix) {
        return new Generation(n, prefix, T, T.plusSeconds(3600), null, null);
    }

    static Generation filling(int n, String prefix) {
        return new Generation(n, prefix, T.plusSeconds(86_400), null, null, null);
    }

    /** The state, the --generation asked (or null), the generation chosen, and whether a note and a shortfall come with it. */
    record Case(String name, State state, Integer asked, int chosen, boolean note, boolean shortfall) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        State oneComplete = new State(1, List.of(complete(1, "sets/")));
        State newFilling = new State(2, List.of(complete(1, "sets/"), filling(2, "sets.g2/")));
        State neverWhole = new State(1, List.of(filling(1, "sets/")));
        State newComplete = new State(2, List.of(complete(1, "sets/"), complete(2, "sets.g2/")));
        State retiredOld = new State(3, List.of(new Generation(1, "sets/", T, T, T, T), complete(2, "sets.g2/"), filling(3, "sets.g3/")));
        return Stream.of(
                new Case("the current generation, mirrored whole", oneComplete, null, 1, false, false),
                new Case("a new generation still being filled: the one before it", newFilling, null, 1, true, false),
                new Case("a new generation mirrored whole", newComplete, null, 2, false, false),
                new Case("never retired ones only: the newest complete", retiredOld, null, 2, true, false),
                new Case("no generation mirrored whole yet: the current, with its shortfall", neverWhole, null, 1, false, true),
                new Case("the filling one asked for: given, with its shortfall", newFilling, 2, 2, false, true),
                new Case("an older complete one asked for", newComplete, 1, 1, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void the_generation_restored_is_the_newest_mirrored_whole_unless_one_is_asked_for(Case c) {
        assertThat(RestoreChoice.refusal(c.asked())).isNull();

        RestoreChoice choice = RestoreChoice.of(c.state(), c.asked(), n -> "sets.g" + n + "/");

        assertThat(choice.generation().number()).isEqualTo(c.chosen());
        assertThat(choice.note() != null).as(String.valueOf(choice.note())).isEqualTo(c.note());
        assertThat(choice.shortfall() != null).as(String.valueOf(choice.shortfall())).isEqualTo(c.shortfall());
    }

    @Test
    void no_generation_number_below_1_is_taken_and_one_the_state_lacks_is_looked_for_at_its_prefix() {
        State state = new State(2, List.of(complete(1, "sets/"), filling(2, "sets.g2/")));

        assertThat(RestoreChoice.refusal(0)).isEqualTo("--generation 0: expected a generation number from 1 up (`status` lists the bucket's)");
        assertThat(RestoreChoice.refusal(-1)).startsWith("--generation -1: expected");
        assertThat(RestoreChoice.of(state, 9, n -> "sets.g" + n + "/").generation().prefix()).isEqualTo("sets.g9/");
    }

    @Test
    void the_note_names_both_generations_and_how_to_restore_the_new_one() {
        State state = new State(2, List.of(complete(1, "sets/"), filling(2, "sets.g2/")));

        assertThat(RestoreChoice.of(state, null, n -> "sets.g" + n + "/").note()).isEqualTo("generation 2 (sets.g2/) is still being filled (started 2026-12-01"
                + " 23:30Z): restoring generation 1 (sets/), the newest one mirrored whole; --generation 2 restores what the new one holds"
                + " so far");
    }
}
