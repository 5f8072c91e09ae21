package offsite.web;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import offsite.cost.InventoryState;
import offsite.image.HostRetention;
import offsite.image.ImageManifest;
import offsite.retention.RetentionPolicy;

/**
 * /api/inventory and the page's inventory, from the listing kept after the last pass: the totals per part on
 * every page (the mirror, its older generations, trash, images), one page of objects, and the image backups.
 */
final class InventoryView {

    private InventoryView() {
    }

    /** listed null: no pass has listed the bucket yet, so every count is 0 and no object is shown. */
    static Map<String, Object> of(String bucket, String imagePrefix, String imageHost, InventoryState.Snapshot listed, InventoryState.Query query,
            RetentionPolicy keep, Instant now, ZoneId zone) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bucket", bucket);
        out.put("listed", listed == null ? null : listed.listed());
        out.put("updated", listed == null ? null : listed.updated());
        List<InventoryState.Area> areas = listed == null ? List.of() : listed.areas();
        List<InventoryState.Area> sync = areas.stream().filter(a -> a.part().equals("sync")).toList();
        out.put("mirror", count(sync.isEmpty() ? InventoryState.Count.NONE : sync.get(0).count()));
        out.put("trash", count(listed == null ? InventoryState.Count.NONE : listed.part("trash")));
        out.put("images", count(listed == null ? InventoryState.Count.NONE : listed.part("image")));
        Map<String, Object> older = new LinkedHashMap<>();
        sync.stream().skip(1).forEach(a -> older.put(a.prefix(), count(a.count())));
        out.put("olderGenerations", older);
        Map<String, Object> asked = new LinkedHashMap<>();
        asked.put("prefix", query.prefix());
        asked.put("search", query.search());
        asked.put("after", query.after());
        out.put("query", asked);
        InventoryState.Page page = listed == null ? new InventoryState.Page(List.of(), 0, 0, null) : listed.page(query);
        out.put("matching", page.matching());
        out.put("before", page.before());
        out.put("objects", page.rows().stream().map(InventoryView::row).toList());
        out.put("next", page.next());
        out.put("imageBackups", imageBackups(listed == null ? List.of() : listed.imageBackups(), imagePrefix, imageHost, keep, now, zone));
        return out;
    }

    private static Map<String, Object> count(InventoryState.Count c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("objects", c.objects());
        out.put("bytes", c.bytes());
        return out;
    }

    private static Map<String, Object> row(InventoryState.Row r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", r.key());
        out.put("part", r.part());
        out.put("size", r.size());
        out.put("lastModified", String.valueOf(r.lastModified()));
        return out;
    }

    /**
     * The image backups, newest first: kind, size, age, and what retention keeps each for, judged as a backup of this host
     * judges (HostRetention): another host's backups are never this host's to delete.
     */
    private static List<Map<String, Object>> imageBackups(List<ImageManifest> known, String imagePrefix, String imageHost, RetentionPolicy keep,
            Instant now, ZoneId zone) {
        HostRetention retention = HostRetention.of(known, imageHost, keep, now, zone);
        List<Map<String, Object>> out = new ArrayList<>();
        for (ImageManifest m : known) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", m.id());
            one.put("type", m.type());
            one.put("base", m.base());
            one.put("created", m.created());
            one.put("bytes", m.objects().stream().mapToLong(ImageManifest.StoredObject::size).sum());
            one.put("ageHours", Duration.between(Instant.parse(m.created()), now).toHours());
            one.put("keptFor", keptFor(m, imageHost, retention));
            one.put("manifest", imagePrefix + m.id() + "/manifest.json");
            out.add(one);
        }
        return out;
    }

    /** Why retention keeps a backup; empty when the next backup of this host deletes it. */
    private static List<String> keptFor(ImageManifest m, String imageHost, HostRetention retention) {
        if (m.host() == null) {
            return List.of("names no host (made before offsite.image.host): never deleted by retention");
        }
        if (!m.host().equals(imageHost)) {
            return List.of("host " + m.host() + "'s: never deleted by this host's retention");
        }
        if (retention.skipped()) {
            return List.of("retention skipped: backup " + retention.newest().id() + " was made after now (the clock went back)");
        }
        return retention.plan().keeps(m.id()) ? retention.plan().kept().get(m.id()) : List.of();
    }
}
