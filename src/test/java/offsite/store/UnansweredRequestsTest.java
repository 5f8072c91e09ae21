package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** When requests that got no answer mean a store that stopped answering, and when a blip. */
class UnansweredRequestsTest {

    static final int IN_FLIGHT = 4;
    static final Duration SILENCE = Duration.ofMinutes(2);

    /** events: U an unanswered request, A an answered one, B body bytes taken, a number the seconds that pass. */
    record Case(String name, String events, boolean stopped) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("the requests in flight failing together in a short outage are a blip", "U U U U 5", false),
                new Case("more unanswered in a row than are ever in flight is a store that stopped", "U U U U U", true),
                new Case("one unanswered and nothing answered for the silence is a store that stopped", "U 120", true),
                new Case("one unanswered and an answer since is a blip", "U 60 A 60", false),
                new Case("one unanswered while long uploads' bodies keep going is a blip", "U 50 B 50 B 50 B 50", false),
                new Case("one unanswered and bodies taken before it, then silence, is a store that stopped", "B U 120", true),
                new Case("an answer between unanswered ones starts the count again", "U U U A U U U", false),
                new Case("a quiet time with every request answered is no silence", "A 600", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tells_a_store_that_stopped_answering_from_a_blip(Case c) {
        AtomicLong nanos = new AtomicLong();
        UnansweredRequests requests = new UnansweredRequests(nanos::get);
        for (String event : c.events().split(" ")) {
            switch (event) {
                case "U" -> requests.unanswered("connection refused");
                case "A" -> requests.answered();
                case "B" -> requests.heard();
                default -> nanos.addAndGet(Duration.ofSeconds(Long.parseLong(event)).toNanos());
            }
        }
        assertThat(requests.stopped(IN_FLIGHT, SILENCE)).isEqualTo(c.stopped());
    }
}
