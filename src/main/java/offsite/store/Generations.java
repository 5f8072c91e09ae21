package offsite.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import offsite.config.SettingError;

/**
 * The generations of the mirror, kept in the bucket beside the prefix (sets/ has sets.generations.json):
 * generation 1 lives under the configured prefix, generation N under PREFIX-WITHOUT-SLASH.gN/. A new generation
 * is a fresh full copy; the old one stays untouched until the new one is complete, verified and old enough.
 * The state is checked on every read: a generation anywhere but its own prefix (inside the image backups or the
 * trash, say) is refused, never used. A state that is missing or does not parse is rebuilt from the prefixes present.
 */
public final class Generations {

    /**
     * One generation: where it lives, when it was started, completed, verified and retired, and what the last pass that
     * ran to its end left under its prefix (null: no such pass recorded it yet).
     */
    public record Generation(int number, String prefix, Instant started, Instant complete, Instant verified, Instant retired,
            Mirrored mirrored) {

        public Generation(int number, String prefix, Instant started, Instant complete, Instant verified, Instant retired) {
            this(number, prefix, started, complete, verified, retired, null);
        }

        /** This generation with what a pass left under its prefix. */
        public Generation with(Mirrored after) {
            return new Generation(number, prefix, started, complete, verified, retired, after);
        }
    }

    /**
     * The objects under a generation's prefix and their bytes, as the pass that finished at `at` left them: a listing
     * with fewer lost objects since (restore-set says so rather than call a partial set whole). listing: the SHA-256 of
     * their names and sizes ({@link MirrorListing#contentDigest}; in records written before it, of the stored listing's
     * compressed bytes), whose stored listing listingKey names, written before this record; null when there is none
     * (written by an older Offsite, or its write failed): restore-set then compares the counts.
     */
    public record Mirrored(Instant at, long objects, long bytes, String listing) {

        public Mirrored(Instant at, long objects, long bytes) {
            this(at, objects, bytes, null);
        }
    }

    /** A generation's recorded listing as read back: the listing, or why there is none to use (null: none was recorded). */
    public record RecordedListing(MirrorListing listing, String unusable) {
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

    /** The state as read; repaired says what was wrong with the stored one and how it was rebuilt (null: read as stored). */
    public record Loaded(State state, String repaired) {
    }

    /** A stored state that points somewhere it must not: using it could move another pipeline's objects to the trash. */
    public static final class Refused extends IllegalStateException {
        Refused(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A listing's name in listingFolder: gN-SHA256.zst. */
    private static final Pattern LISTING_NAME = Pattern.compile("g([1-9][0-9]{0,8})-([0-9a-f]{64})\\.zst");

    private final Bucket bucket;
    private final String basePrefix;
    private final Map<String, String> others;

    /** others: the prefixes of the other pipelines by the setting that names them (the trash, the image backups). */
    public Generations(Bucket bucket, String basePrefix, Map<String, String> others) {
        this.bucket = bucket;
        this.basePrefix = basePrefix;
        this.others = Map.copyOf(others);
    }

    public Generations(Bucket bucket, String basePrefix) {
        this(bucket, basePrefix, Map.of());
    }

    /**
     * Refuses, at start-up, another pipeline's prefix (others: by the setting that names it) that overlaps the mirror's
     * (basePrefix): its first generation, or where the later ones live (sets.g2/...), or another's. A pass lists its
     * whole prefix and moves what the source lacks to the trash, so image backups under it would be trashed, and a
     * mirror under the image prefix would be read as backups.
     */
    public static void refuseOverlaps(String basePrefix, Map<String, String> others) {
        String stem = laterStem(basePrefix);
        others.forEach((name, prefix) -> {
            if (prefix.startsWith(basePrefix) || basePrefix.startsWith(prefix) || prefix.startsWith(stem)) {
                throw new SettingError(name, prefix, "a prefix outside offsite.sync.prefix ('" + basePrefix + "') and its later generations ('"
                        + stem + "2/' and on): a pass moves whatever the set lacks under it to the trash");
            }
            others.forEach((otherName, other) -> {
                if (name.compareTo(otherName) > 0 && (prefix.startsWith(other) || other.startsWith(prefix))) {
                    throw new SettingError(otherName, other, "a prefix outside " + name + " ('" + prefix + "'): each pipeline keeps its own");
                }
            });
        });
    }

    public String stateKey() {
        return (basePrefix.isEmpty() ? "offsite" : basePrefix.substring(0, basePrefix.length() - 1)) + ".generations.json";
    }

    public String prefixOf(int number) {
        return number == 1 ? basePrefix : laterStem() + number + "/";
    }

    /** What every generation after the first starts with (sets.g), for checks on keys. */
    public String laterStem() {
        return laterStem(basePrefix);
    }

    private static String laterStem(String basePrefix) {
        return (basePrefix.isEmpty() ? "offsite" : basePrefix.substring(0, basePrefix.length() - 1)) + ".g";
    }

    /** The state, checked (throws Refused), or rebuilt from the bucket when missing or unreadable. */
    public State load() {
        return read().state();
    }

    /** As load(), saying whether the stored state had to be rebuilt and why; a pass saves a rebuilt state and warns. */
    public Loaded read() {
        byte[] bytes;
        try (InputStream in = bucket.get(stateKey(), 0)) {
            bytes = in.readAllBytes();
        } catch (StoreException e) {
            if (!e.notFound()) {
                throw e;
            }
            State rebuilt = rebuild();
            return new Loaded(rebuilt, rebuilt.generations().size() == 1 ? null
                    : stateKey() + " is missing from the bucket: " + rebuiltFrom(rebuilt));
        } catch (IOException e) { // a body cut short says nothing about the state: never rebuild (and overwrite) from it
            throw new UncheckedIOException("cannot read " + stateKey() + " from the bucket: " + e.getMessage(), e);
        }
        State stored;
        try {
            stored = JSON.readValue(bytes, State.class);
            if (stored == null) {
                throw new IOException("it holds null");
            }
        } catch (IOException e) {
            State rebuilt = rebuild();
            return new Loaded(rebuilt, stateKey() + " in the bucket does not parse (" + firstLine(e) + "): " + rebuiltFrom(rebuilt));
        }
        String problem = problem(stored);
        if (problem != null) {
            throw new Refused(stateKey() + " in the bucket is refused: " + problem + ". Correct it, or delete it and the next pass"
                    + " rebuilds it from the prefixes in the bucket");
        }
        return new Loaded(stored, null);
    }

    public void save(State state) {
        String problem = problem(state);
        if (problem != null) {
            throw new Refused("not writing " + stateKey() + ": " + problem);
        }
        try {
            bucket.put(stateKey(), Bucket.Body.of(JSON.writeValueAsBytes(state)), null, Map.of(), Bucket.Kind.STATE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateKey() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where the listing of generation `number` with this SHA-256 is stored, beside the state (sets.generations/g1-HASH.zst,
     * under the PREFIX.g stem no other pipeline may use); null for anything but a SHA-256 in hex, so a state edited by
     * hand never makes a pass read or delete another object.
     */
    public String listingKey(int number, String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            return null;
        }
        return listingFolder() + "g" + number + "-" + sha256 + ".zst";
    }

    /** The folder beside the state that holds the listings (sets.generations/). */
    public String listingFolder() {
        return stateKey().substring(0, stateKey().length() - ".json".length()) + "/";
    }

    /**
     * Whether key is one listingKey writes (a listing of some generation, directly in listingFolder): only such a key may
     * be deleted as a listing; anything else there (a file put by hand, a folder) is never touched.
     */
    public boolean isListingKey(String key) {
        String folder = listingFolder();
        if (!key.startsWith(folder)) {
            return false;
        }
        Matcher m = LISTING_NAME.matcher(key.substring(folder.length()));
        return m.matches() && key.equals(listingKey(Integer.parseInt(m.group(1)), m.group(2)));
    }

    /** The keys of the listings state points to: those of its generations not retired (a retired one's objects are gone). */
    public Set<String> listingsIn(State state) {
        Set<String> out = new HashSet<>();
        for (Generation g : state.generations()) {
            String key = g.retired() != null || g.mirrored() == null ? null : listingKey(g.number(), g.mirrored().listing());
            if (key != null) {
                out.add(key);
            }
        }
        return out;
    }

    /**
     * Stores a listing of generation `number` under its contentDigest, compressed, as a state object (the default storage
     * class), before the Mirrored record that points to it: a state never points to a listing not yet whole in the bucket.
     */
    public void saveListing(int number, MirrorListing listing) {
        bucket.put(listingKey(number, listing.contentDigest()), Bucket.Body.of(listing.encode()), null, Map.of(), Bucket.Kind.STATE);
    }

    /**
     * The listing g's Mirrored record points to, checked against the SHA-256 in its name (of the names and sizes it holds,
     * or in a listing stored before that, of its compressed bytes) and g's prefix; when there is none, or it is missing,
     * damaged or unreadable, why (the caller falls back to the counts).
     */
    public RecordedListing listing(Generation g) {
        String key = g.mirrored() == null ? null : listingKey(g.number(), g.mirrored().listing());
        if (key == null) {
            return new RecordedListing(null, g.mirrored() == null || g.mirrored().listing() == null ? null
                    : "its listing's SHA-256 '" + g.mirrored().listing() + "' in " + stateKey() + " is not one");
        }
        byte[] stored;
        try (InputStream in = bucket.get(key, 0)) {
            stored = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return new RecordedListing(null, "cannot read " + key + ": " + firstLine(e));
        }
        boolean storedForm = MirrorListing.storedDigest(stored).equals(g.mirrored().listing());
        MirrorListing listing;
        try {
            listing = MirrorListing.decode(stored);
        } catch (IOException e) {
            return new RecordedListing(null, storedForm ? key + " does not read as a listing: " + firstLine(e)
                    : key + " does not hold the bytes its name's SHA-256 says");
        }
        if (!storedForm && !listing.contentDigest().equals(g.mirrored().listing())) {
            return new RecordedListing(null, key + " does not hold the bytes its name's SHA-256 says");
        }
        if (!listing.prefix().equals(g.prefix())) {
            return new RecordedListing(null, key + " lists '" + listing.prefix() + "', not generation " + g.number() + "'s '"
                    + g.prefix() + "'");
        }
        return new RecordedListing(listing, null);
    }

    /** Deletes a listing no record points to any more (one replaced by a newer pass's); a key refused by listingKey is left. */
    public void dropListing(int number, String sha256) {
        String key = listingKey(number, sha256);
        if (key != null) {
            bucket.delete(key);
        }
    }

    /** A new generation after the newest, made current. */
    public State start(State state, Instant now) {
        int next = state.generations().stream().mapToInt(Generation::number).max().orElse(1) + 1;
        List<Generation> all = new ArrayList<>(state.generations());
        all.add(new Generation(next, prefixOf(next), now, null, null, null));
        return new State(next, all);
    }

    /**
     * What is wrong with a state, or null: every generation at its own prefix (N at prefixOf(N)), none inside or around
     * another pipeline's prefix, numbers unique, the current one among them and not retired.
     */
    String problem(State state) {
        if (state.generations() == null || state.generations().isEmpty()) {
            return "it lists no generation";
        }
        Set<Integer> numbers = new HashSet<>();
        for (Generation g : state.generations()) {
            if (g == null || g.number() < 1 || !numbers.add(g.number())) {
                return "generation numbers must be unique and from 1 up";
            }
            if (!prefixOf(g.number()).equals(g.prefix())) {
                return "generation " + g.number() + " has the prefix '" + g.prefix() + "', but generation " + g.number() + " lives under '"
                        + prefixOf(g.number()) + "'" + overlap(g.prefix());
            }
            String overlap = overlap(g.prefix());
            if (!overlap.isEmpty()) {
                return "generation " + g.number() + " at '" + g.prefix() + "'" + overlap;
            }
        }
        if (!numbers.contains(state.current())) {
            return "the current generation " + state.current() + " is not among its generations " + new TreeSet<>(numbers);
        }
        if (state.currentGeneration().retired() != null) {
            return "the current generation " + state.current() + " is marked retired";
        }
        return null;
    }

    /** ", which overlaps the trash prefix 'trash/' (offsite.sync.trash-prefix)" when it does; empty otherwise. */
    private String overlap(String prefix) {
        String p = prefix == null ? "" : prefix;
        return others.entrySet().stream().filter(o -> p.startsWith(o.getValue()) || o.getValue().startsWith(p))
                .map(o -> ", which overlaps '" + o.getValue() + "' (" + o.getKey() + "): a generation never points into another"
                        + " pipeline's objects")
                .findFirst().orElse("");
    }

    /**
     * Generation 1 and every later generation with an object under its prefix; the highest is current. Their complete
     * and verified marks start afresh, so nothing is retired before the current one is complete and verified again.
     */
    private State rebuild() {
        Set<Integer> found = new TreeSet<>();
        found.add(1);
        String stem = laterStem();
        for (RemoteObject o : bucket.list(stem)) {
            String rest = o.key().substring(stem.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && rest.substring(0, slash).matches("[1-9][0-9]{0,8}") && Integer.parseInt(rest.substring(0, slash)) > 1) {
                found.add(Integer.parseInt(rest.substring(0, slash)));
            }
        }
        List<Generation> generations = found.stream().map(n -> new Generation(n, prefixOf(n), null, null, null, null)).toList();
        return new State(generations.get(generations.size() - 1).number(), generations);
    }

    private static String rebuiltFrom(State rebuilt) {
        return "rebuilt from the prefixes in the bucket: generations " + rebuilt.generations().stream()
                .map(g -> g.number() + " (" + g.prefix() + ")").collect(Collectors.joining(", ")) + ", generation " + rebuilt.current()
                + " current; older ones are retired only after it is complete and verified again";
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
