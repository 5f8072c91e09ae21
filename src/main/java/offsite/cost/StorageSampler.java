package offsite.cost;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import offsite.store.RemoteObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what the bucket holds by listing each part (mirror with its older generations, trash, images), keeps
 * the day's sample for the storage chart and the cost, and tells the metrics. Taken after every run and on each
 * look at the page or `status`.
 */
public final class StorageSampler {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSampler.class);

    /** Bytes stored per part (sync, trash, image), in listing order. */
    public record Sample(Map<String, Long> bytesByPart) {
        public Sample {
            bytesByPart = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bytesByPart));
        }

        public long total() {
            return bytesByPart.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Function<String, List<RemoteObject>> lister;
    private final Supplier<Map<String, List<String>>> prefixesByPart;
    private final StorageHistory history;
    private final Consumer<Sample> listener;
    private final Clock clock;

    /** prefixesByPart: asked on each sample, since generations come and go. */
    public StorageSampler(Function<String, List<RemoteObject>> lister, Supplier<Map<String, List<String>>> prefixesByPart, StorageHistory history,
            Consumer<Sample> listener, Clock clock) {
        this.lister = lister;
        this.prefixesByPart = prefixesByPart;
        this.history = history;
        this.listener = listener;
        this.clock = clock;
    }

    public StorageHistory history() {
        return history;
    }

    /** Lists every part now; throws what the listing throws. */
    public Sample measure() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        prefixesByPart.get().forEach((part, prefixes) -> bytes.put(part,
                prefixes.stream().mapToLong(p -> lister.apply(p).stream().mapToLong(RemoteObject::size).sum()).sum()));
        return record(new Sample(bytes));
    }

    /** Keeps a sample measured elsewhere (the status page's inventory lists the same parts): no second listing. */
    public Sample record(Sample sample) {
        history.record(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), sample.total());
        listener.accept(sample);
        return sample;
    }

    /** After a run: a failed listing (the store is what failed the run) costs only this sample, never the run's report. */
    public void sample() {
        try {
            measure();
        } catch (RuntimeException e) {
            LOG.warn("storage not sampled after this run: {}", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
