package offsite.cost;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import offsite.image.ImageManifest;
import offsite.image.ImagePass;
import offsite.store.RemoteObject;
import offsite.sync.Pass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what the bucket holds by listing each part (mirror with its older generations, trash, images), keeps
 * the listing for the status page's inventory and the day's sample for the storage chart and the cost, and tells
 * the metrics. Taken after every run; looking at the page or `status` lists nothing.
 */
public final class StorageSampler {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSampler.class);
    /** The whole bucket is listed again when the kept listing is older than this (objects changed by others). */
    static final Duration FULL_LISTING_EVERY = Duration.ofDays(7);

    /** Bytes stored per part (sync, trash, image), in listing order. */
    public record Sample(Map<String, Long> bytesByPart) {
        public Sample {
            bytesByPart = Collections.unmodifiableMap(new LinkedHashMap<>(bytesByPart));
        }

        public long total() {
            return bytesByPart.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Function<String, List<RemoteObject>> lister;
    private final Supplier<Map<String, List<String>>> prefixesByPart;
    private final StorageHistory history;
    private final InventoryState inventory;
    private final Supplier<List<ImageManifest>> imageBackups;
    private final Consumer<Sample> listener;
    private final Clock clock;

    /**
     * prefixesByPart: asked on each sample, since generations come and go; the current generation first under sync.
     * imageBackups: the manifests this process knows, kept with the listing (reading them is the image pass's work).
     */
    public StorageSampler(Function<String, List<RemoteObject>> lister, Supplier<Map<String, List<String>>> prefixesByPart, StorageHistory history,
            InventoryState inventory, Supplier<List<ImageManifest>> imageBackups, Consumer<Sample> listener, Clock clock) {
        this.lister = lister;
        this.prefixesByPart = prefixesByPart;
        this.history = history;
        this.inventory = inventory;
        this.imageBackups = imageBackups;
        this.listener = listener;
        this.clock = clock;
    }

    public StorageHistory history() {
        return history;
    }

    public InventoryState inventory() {
        return inventory;
    }

    /** Lists every part now and keeps the listing; throws what the listing throws. */
    public Sample measure() {
        return measure(Map.of(), why -> { });
    }

    /** As measure(), but the prefixes in listedNow are taken as they hold, not listed again; unsaved hears why the listing was not kept. */
    private Sample measure(Map<String, List<RemoteObject>> listedNow, Consumer<String> unsaved) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        List<InventoryState.Listed> listed = new ArrayList<>();
        prefixesByPart.get().forEach((part, prefixes) -> {
            bytes.put(part, 0L);
            for (String prefix : prefixes) {
                List<RemoteObject> objects = listedNow.containsKey(prefix) ? listedNow.get(prefix) : lister.apply(prefix);
                listed.add(new InventoryState.Listed(part, prefix, objects));
                bytes.merge(part, objects.stream().mapToLong(RemoteObject::size).sum(), Long::sum);
            }
        });
        try {
            // the kept listing counts an object under two listed prefixes once: its figures are the page's
            inventory.save(clock.instant(), listed, imageBackups.get()).parts().forEach((part, count) -> bytes.put(part, count.bytes()));
        } catch (IOException e) {
            LOG.warn("the inventory for the status page not kept ({}): it shows the listing before", e.getMessage());
            unsaved.accept(notKept(e));
        }
        return record(new Sample(bytes));
    }

    private Sample record(Sample sample) {
        history.record(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), sample.total());
        listener.accept(sample);
        return sample;
    }

    /**
     * After a mirror pass: the figures come from the pass's own listing of its prefix and of the trash, with what it
     * changed, not from listing them again; the other parts are listed when no listing is kept yet, and the whole
     * bucket when the kept listing is older than a week. A pass that listed nothing (refused, failed early, a dry
     * run), or would have to list a store that stopped answering, leaves the figures as they were.
     */
    public void afterSync(Pass pass) {
        try {
            List<RemoteObject> mirror = pass.mirrorAfter();
            InventoryState.Snapshot kept = inventory.load();
            boolean weekOld = kept != null && kept.listed().isBefore(clock.instant().minus(FULL_LISTING_EVERY));
            // a listing a week old: the whole bucket again; none yet, or one without this generation's prefix (a new
            // one started): every part but what the pass itself has just listed
            if (kept == null || weekOld
                    || kept.areas().stream().noneMatch(a -> a.part().equals("sync") && a.prefix().equals(pass.prefix()))) {
                if (mirror != null && !pass.trashSkipped()) { // a store that stopped answering is not listed: the figures stay
                    Map<String, List<RemoteObject>> own = new HashMap<>();
                    if (!weekOld) {
                        own.put(pass.prefix(), mirror);
                        if (pass.trash() != null) {
                            own.put(pass.trashPrefix(), pass.trash());
                        }
                    }
                    measure(own, pass::notSaved);
                }
                return;
            }
            if (mirror == null) {
                return;
            }
            if (kept.holds("sync", pass.prefix(), mirror) && (pass.trash() == null || kept.holds("trash", pass.trashPrefix(), pass.trash()))) {
                // a night without changes: the kept listing (100,000 objects is a 5 MB file) stays as it is
                Map<String, Long> bytes = new LinkedHashMap<>();
                kept.parts().forEach((part, count) -> bytes.put(part, count.bytes()));
                record(new Sample(bytes));
                return;
            }
            List<InventoryState.Listed> changed = new ArrayList<>();
            changed.add(new InventoryState.Listed("sync", pass.prefix(), mirror));
            if (pass.trash() != null) {
                changed.add(new InventoryState.Listed("trash", pass.trashPrefix(), pass.trash()));
            }
            Map<String, Long> bytes = new LinkedHashMap<>();
            inventory.update(kept.listed(), clock.instant(), changed).parts().forEach((part, count) -> bytes.put(part, count.bytes()));
            record(new Sample(bytes));
        } catch (IOException | RuntimeException e) {
            LOG.warn("storage not sampled after this pass: {}", e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse(""));
            if (e instanceof IOException) { // the kept listing under the data directory, not the bucket
                pass.notSaved(notKept(e));
            }
        }
    }

    private static String notKept(Exception e) {
        return "the status page's inventory (" + e.getMessage() + "): the page shows the listing before";
    }

    /** After an image backup: the image area of the kept listing from the backup's own listing less what retention deleted. */
    public void afterImage(ImagePass pass) {
        if (pass.storeStopped()) {
            return; // a store that stopped answering is not listed: the figures stay
        }
        try {
            InventoryState.Snapshot kept = inventory.load();
            String prefix = prefixesByPart.get().getOrDefault("image", List.of()).stream().findFirst().orElse(null);
            List<RemoteObject> images = prefix == null ? null : pass.imagesAfter(prefix);
            if (kept == null || kept.listed().isBefore(clock.instant().minus(FULL_LISTING_EVERY))) {
                if (images != null) {
                    measure();
                }
                return;
            }
            if (images == null) {
                return;
            }
            Map<String, Long> bytes = new LinkedHashMap<>();
            inventory.update(kept.listed(), clock.instant(), List.of(new InventoryState.Listed("image", prefix, images)), imageBackups.get())
                    .parts().forEach((part, count) -> bytes.put(part, count.bytes()));
            record(new Sample(bytes));
        } catch (IOException | RuntimeException e) {
            LOG.warn("storage not sampled after this backup: {}", e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse(""));
        }
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
