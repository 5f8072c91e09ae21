package offsite.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

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

    private final S3Client s3;
    private final String bucket;
    private final String basePrefix;

    public Generations(S3Client s3, String bucket, String basePrefix) {
        this.s3 = s3;
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
        try {
            byte[] json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(stateKey())).asByteArray();
            return JSON.readValue(json, State.class);
        } catch (NoSuchKeyException e) {
            return new State(1, List.of(new Generation(1, basePrefix, null, null, null, null)));
        } catch (IOException e) {
            throw new UncheckedIOException(stateKey() + " in the bucket does not parse: " + e.getMessage(), e);
        }
    }

    public void save(State state) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(stateKey()).contentType("application/json"), RequestBody.fromBytes(JSON.writeValueAsBytes(state)));
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
