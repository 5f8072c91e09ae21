package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A body read by several attempts counts each of its bytes once. */
class BodyProgressTest {

    /** reads: each attempt's reads, in bytes, each attempt from the body's start; counted: the progress told in all. */
    record Case(String name, List<List<Long>> reads, long counted) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("one attempt reads it all", List.of(List.of(100L, 100L, 50L)), 250),
                new Case("a retry after a cut counts only what lies past the cut", List.of(List.of(100L, 60L), List.of(100L, 100L, 50L)), 250),
                new Case("a signing pass and its send, or two full tries, count the body once", List.of(List.of(250L), List.of(250L)), 250),
                new Case("a retry that stops short of the first counts nothing", List.of(List.of(200L), List.of(50L)), 200),
                new Case("three cuts at growing points", List.of(List.of(10L), List.of(10L, 20L), List.of(30L, 40L)), 70));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void each_byte_counts_once_however_many_attempts_read_it(Case c) {
        AtomicLong told = new AtomicLong();
        BodyProgress body = new BodyProgress(told::addAndGet);

        for (List<Long> attempt : c.reads()) {
            LongConsumer reader = body.attempt();
            attempt.forEach(reader::accept);
        }

        assertThat(told.get()).isEqualTo(c.counted());
    }
}
