package offsite.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.io.InputStream;
import java.util.Map;

/**
 * The generations of the mirror, kept in the bucket beside the prefix (sets/ has sets.generations.json):
 * generation 1 lives under the configured prefix, generation N under PREFIX-WITHOUT-SLASH.gN/. A new generation
 * is a fresh full copy; the old one stays untouched until the new one is complete, verified and old enough.
 */
public final class Generations {

    /** One generation: where it lives and when it was started, completed, verified and retired. */
    public record Generation(int number, String prefix, Instant started, Instant complete, Instant verified, Instant retired) {
    }

    /** The current generation's number and every generation. */
    public record State(int current, List<Generation> generations) {
        public State {
            generations = List.copyOf(generations);
        }

        public Generation currentGeneration() {
            return generations.stream().filter(g -> g.number() == current).findFirst().orElseThrow();
        }

        public State with(Generation changed) {
            List<Generation> out = new ArrayList<>();
            for (Generation g : generations) {
                out.add(g.number() == changed.number() ? changed : g);
            }
            return new State(current, out);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private final Bucket bucket;
    private final String basePrefix;

    public Generations(Bucket bucket, String basePrefix) {
        this.bucket = bucket;
        this.basePrefix = basePrefix;
    }

    public String stateKey() {
        return (basePrefix.isEmpty() ? "offsite" : basePrefix.substring(0, basePrefix.length() - 1)) + ".generations.json";
    }

    public String prefixOf(int number) {
        return number == 1 ? basePrefix : laterStem() + number + "/";
    }

    /** What every generation after the first starts with (sets.g), for checks on keys. */
    public String laterStem() {
        return (basePrefix.isEmpty() ? "offsite" : basePrefix.substring(0, basePrefix.length() - 1)) + ".g";
    }

    public State load() {
        try (InputStream in = bucket.get(stateKey(), 0)) {
            return JSON.readValue(in.readAllBytes(), State.class);
        } catch (StoreException e) {
            if (e.notFound()) {
                return new State(1, List.of(new Generation(1, basePrefix, null, null, null, null)));
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(stateKey() + " in the bucket does not parse: " + e.getMessage(), e);
        }
    }

    public void save(State state) {
        try {
            bucket.put(stateKey(), Bucket.Body.of(JSON.writeValueAsBytes(state)), null, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateKey() + ": " + e.getMessage(), e);
        }
    }

    /** A new generation after the newest, made current. */
    public State start(State state, Instant now) {
        int next = state.generations().stream().mapToInt(Generation::number).max().orElse(1) + 1;
        List<Generation> all = new ArrayList<>(state.generations());
        all.add(new Generation(next, prefixOf(next), now, null, null, null));
        return new State(next, all);
    }
}
