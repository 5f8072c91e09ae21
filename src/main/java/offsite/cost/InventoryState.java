package offsite.cost;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import offsite.files.ReplacementFile;
import offsite.image.ImageManifest;
import offsite.store.RemoteObject;

/**
 * What the bucket held at the last listing, part by part (sync with its generations, trash, image), kept in one
 * file under the data directory so that the status page pages and searches it without a request to S3. Written
 * to a temporary file and moved over the old one: a reader, in this process or another, sees the old listing or
 * the new one whole. Fed after every pass.
 */
public final class InventoryState {

    /** Rows on one page of the inventory. */
    public static final int PAGE_ROWS = 500;

    /** What one prefix of a part (sync, trash, image) held when listed. For sync, the current generation comes first. */
    public record Listed(String part, String prefix, List<RemoteObject> objects) {
        public Listed {
            objects = List.copyOf(objects);
        }
    }

    /** One object as listed, with the part it belongs to. */
    public record Row(String part, String key, long size, Instant lastModified) {
    }

    /** Objects and their bytes. */
    public record Count(long objects, long bytes) {
        public static final Count NONE = new Count(0, 0);

        Count plus(long size) {
            return new Count(objects + 1, bytes + size);
        }
    }

    /** A prefix listed, with what it held (an object under two listed prefixes counts under the longer one). */
    public record Area(String part, String prefix, Count count) {
    }

    /** Keys starting with prefix, containing search (any case), after the key `after` (the last one of the page before); "" is any. */
    public record Query(String prefix, String search, String after) {
        public static final Query FIRST = new Query("", "", "");

        public Query {
            prefix = prefix == null ? "" : prefix;
            search = search == null ? "" : search;
            after = after == null ? "" : after;
        }
    }

    /** Up to PAGE_ROWS rows in key order; how many rows match in all and how many came before this page; next: the page after (null: none). */
    public record Page(List<Row> rows, int matching, int before, String next) {
    }

    private final Path file;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private Snapshot cached;

    public InventoryState(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Replaces the whole listing. imageBackups: the manifests known now; a manifest kept from the last listing stays
     * while its manifest.json is still listed (a process that has read none since its start loses none).
     */
    public synchronized Snapshot save(Instant listed, List<Listed> listing, List<ImageManifest> imageBackups) throws IOException {
        Snapshot before = readOrNull();
        Map<String, ImageManifest> manifests = new LinkedHashMap<>();
        if (before != null) {
            before.imageBackups.forEach(m -> manifests.put(m.id(), m));
        }
        imageBackups.forEach(m -> manifests.put(m.id(), m));
        Set<String> keys = new HashSet<>();
        listing.stream().filter(l -> l.part().equals("image")).forEach(l -> l.objects().forEach(o -> keys.add(o.key())));
        List<ImageManifest> kept = manifests.values().stream()
                .filter(m -> listing.stream().anyMatch(l -> l.part().equals("image") && keys.contains(l.prefix() + m.id() + "/manifest.json")))
                .sorted(Comparator.comparing(ImageManifest::created).reversed()).toList();
        return write(new Stored(listed, listed, listing.stream().map(StoredArea::of).toList(), kept));
    }

    /**
     * Replaces only the prefixes given (a pass that listed its own prefix), keeping every other one and the image
     * backups from the last listing; with no listing yet, the ones given are the whole listing. listed: when the whole
     * bucket was last listed (kept); updated: now, when these prefixes were.
     */
    public synchronized Snapshot update(Instant listed, Instant updated, List<Listed> changed) throws IOException {
        Snapshot before = readOrNull();
        return write(new Stored(listed, updated, areasAfter(before, changed), before == null ? List.of() : before.imageBackups));
    }

    /** The same for an image backup's own listing: the image backups kept are those still listed, with the ones known now. */
    public synchronized Snapshot update(Instant listed, Instant updated, List<Listed> changed, List<ImageManifest> imageBackups)
            throws IOException {
        Snapshot before = readOrNull();
        List<StoredArea> areas = areasAfter(before, changed);
        Map<String, ImageManifest> manifests = new LinkedHashMap<>();
        if (before != null) {
            before.imageBackups.forEach(m -> manifests.put(m.id(), m));
        }
        imageBackups.forEach(m -> manifests.put(m.id(), m));
        Set<String> keys = new HashSet<>();
        areas.stream().filter(a -> a.part().equals("image")).forEach(a -> a.objects().forEach(o -> keys.add(o.key())));
        List<ImageManifest> kept = manifests.values().stream()
                .filter(m -> areas.stream().anyMatch(a -> a.part().equals("image") && keys.contains(a.prefix() + m.id() + "/manifest.json")))
                .sorted(Comparator.comparing(ImageManifest::created).reversed()).toList();
        return write(new Stored(listed, updated, areas, kept));
    }

    private static List<StoredArea> areasAfter(Snapshot before, List<Listed> changed) {
        List<StoredArea> areas = new ArrayList<>();
        if (before != null) {
            for (StoredArea a : before.stored.areas()) {
                boolean replaced = changed.stream().anyMatch(c -> c.part().equals(a.part()) && c.prefix().equals(a.prefix()));
                areas.add(replaced ? StoredArea.of(changed.stream().filter(c -> c.part().equals(a.part()) && c.prefix().equals(a.prefix()))
                        .findFirst().orElseThrow()) : a);
            }
        }
        for (Listed c : changed) {
            if (areas.stream().noneMatch(a -> a.part().equals(c.part()) && a.prefix().equals(c.prefix()))) {
                areas.add(StoredArea.of(c));
            }
        }
        return areas;
    }

    /** The last listing (cached until the file changes), or null when there is none yet; throws naming the file when it cannot be read. */
    public synchronized Snapshot load() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Object version = version();
        if (cached != null && cached.version.equals(version)) {
            return cached;
        }
        try {
            Snapshot s = new Snapshot(json.readValue(file.toFile(), Stored.class), version);
            cached = s;
            return s;
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new IOException(file + " is not a readable inventory (" + (why.length() > 120 ? why.substring(0, 120) + "..." : why)
                    + "): it is written again after the next pass", e);
        }
    }

    private Snapshot readOrNull() {
        try {
            return load();
        } catch (IOException e) {
            return null; // a damaged listing is replaced whole by the next one
        }
    }

    private Object version() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
    }

    private Snapshot write(Stored stored) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = ReplacementFile.beside(file);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                json.writeValue(out, stored);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Object version = version();
        cached = new Snapshot(stored, version);
        return cached;
    }

    /**
     * The file's form: short field names, since a listing of 100,000 objects is written after every pass. listed: the
     * last whole listing; updated: the last time any part changed (null in a file written before it was kept).
     */
    record Stored(Instant listed, Instant updated, List<StoredArea> areas, List<ImageManifest> imageBackups) {
        Stored {
            areas = areas == null ? List.of() : List.copyOf(areas);
            imageBackups = imageBackups == null ? List.of() : List.copyOf(imageBackups);
        }
    }

    record StoredArea(String part, String prefix, List<StoredObject> objects) {
        StoredArea {
            Objects.requireNonNull(part, "part");
            Objects.requireNonNull(prefix, "prefix");
            objects = objects == null ? List.of() : objects;
        }

        static StoredArea of(Listed l) {
            return new StoredArea(l.part(), l.prefix(), l.objects().stream().map(o -> new StoredObject(o.key(), o.size(), o.lastModified())).toList());
        }
    }

    record StoredObject(@JsonProperty("k") String key, @JsonProperty("s") long size, @JsonProperty("m") Instant lastModified) {
        StoredObject {
            Objects.requireNonNull(key, "k");
        }
    }

    /** One listing, read: every object sorted by key once, totals per part and per prefix, pages on demand. */
    public static final class Snapshot {

        private final Stored stored;
        private final Object version;
        private final Row[] rows;
        private final String[] lowerKeys;
        private final List<Area> areas;
        private final Map<String, Count> parts;
        private final List<ImageManifest> imageBackups;

        Snapshot(Stored stored, Object version) {
            this.stored = stored;
            this.version = version;
            this.imageBackups = stored.imageBackups();
            // each key once, under its longest listed prefix
            record Entry(Row row, int prefixLength, int area) {
            }
            List<Entry> all = new ArrayList<>();
            for (int i = 0; i < stored.areas().size(); i++) {
                StoredArea a = stored.areas().get(i);
                for (StoredObject o : a.objects()) {
                    all.add(new Entry(new Row(a.part(), o.key(), o.size(), o.lastModified()), a.prefix().length(), i));
                }
            }
            all.sort(Comparator.comparing((Entry e) -> e.row().key()).thenComparing(Entry::prefixLength, Comparator.reverseOrder()));
            List<Row> unique = new ArrayList<>(all.size());
            Count[] byArea = new Count[stored.areas().size()];
            Arrays.fill(byArea, Count.NONE);
            Map<String, Count> byPart = new LinkedHashMap<>();
            stored.areas().forEach(a -> byPart.putIfAbsent(a.part(), Count.NONE));
            String last = null;
            for (Entry e : all) {
                if (e.row().key().equals(last)) {
                    continue;
                }
                last = e.row().key();
                unique.add(e.row());
                byArea[e.area()] = byArea[e.area()].plus(e.row().size());
                byPart.merge(e.row().part(), Count.NONE.plus(e.row().size()), (x, y) -> new Count(x.objects() + y.objects(), x.bytes() + y.bytes()));
            }
            this.rows = unique.toArray(Row[]::new);
            this.lowerKeys = unique.stream().map(r -> r.key().toLowerCase(Locale.ROOT)).toArray(String[]::new);
            List<Area> out = new ArrayList<>();
            for (int i = 0; i < byArea.length; i++) {
                out.add(new Area(stored.areas().get(i).part(), stored.areas().get(i).prefix(), byArea[i]));
            }
            this.areas = List.copyOf(out);
            this.parts = Collections.unmodifiableMap(byPart);
        }

        /** When the whole bucket was last listed (a week at most: each pass lists only its own prefixes in between). */
        public Instant listed() {
            return stored.listed();
        }

        /** When a part of this listing last changed: a pass's or image backup's own listing, or the whole one. */
        public Instant updated() {
            return stored.updated() == null || stored.updated().isBefore(stored.listed()) ? stored.listed() : stored.updated();
        }

        /** Every prefix listed, in the order fed (for sync, the current generation first). */
        public List<Area> areas() {
            return areas;
        }

        /** Whether the kept area of this part and prefix lists exactly these objects (keys and sizes, in key order). */
        public boolean holds(String part, String prefix, List<RemoteObject> objects) {
            for (StoredArea a : stored.areas()) {
                if (a.part().equals(part) && a.prefix().equals(prefix)) {
                    if (a.objects().size() != objects.size()) {
                        return false;
                    }
                    for (int i = 0; i < objects.size(); i++) {
                        StoredObject kept = a.objects().get(i);
                        if (!kept.key().equals(objects.get(i).key()) || kept.size() != objects.get(i).size()) {
                            return false;
                        }
                    }
                    return true;
                }
            }
            return false;
        }

        /** Objects and bytes per part, in the order fed. */
        public Map<String, Count> parts() {
            return parts;
        }

        public Count part(String name) {
            return parts.getOrDefault(name, Count.NONE);
        }

        /** The image backups whose manifests were known at the listing, newest first. */
        public List<ImageManifest> imageBackups() {
            return imageBackups;
        }

        /** Every object, in key order. */
        public List<Row> rows() {
            return List.of(rows);
        }

        /** The page the query asks for: the matching rows after query.after(), at most PAGE_ROWS. */
        public Page page(Query q) {
            int start = q.prefix().isEmpty() ? 0 : firstAtOrAfter(q.prefix(), false);
            int from = q.after().isEmpty() ? start : Math.max(start, firstAtOrAfter(q.after(), true));
            String needle = q.search().toLowerCase(Locale.ROOT);
            List<Row> page = new ArrayList<>();
            int matching = 0;
            int before = 0;
            String next = null;
            for (int i = start; i < rows.length && rows[i].key().startsWith(q.prefix()); i++) {
                if (!needle.isEmpty() && !lowerKeys[i].contains(needle)) {
                    continue;
                }
                matching++;
                if (i < from) {
                    before++;
                } else if (page.size() < PAGE_ROWS) {
                    page.add(rows[i]);
                } else if (next == null) {
                    next = page.get(page.size() - 1).key();
                }
            }
            return new Page(page, matching, before, next);
        }

        /** The index of the first key at or after (strictly: after) the given one. */
        private int firstAtOrAfter(String key, boolean strictly) {
            int lo = 0;
            int hi = rows.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                int c = rows[mid].key().compareTo(key);
                if (c < 0 || (strictly && c == 0)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
