package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import offsite.cost.InventoryState;
import offsite.image.ImageManifest;
import offsite.retention.RetentionPolicy;
import offsite.store.RemoteObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page's retention column says what this host's retention does, as a backup applies it (ImageBackup.retentionDeletes). */
class InventoryViewTest {

    @TempDir
    Path dir;

    private static ImageManifest full(String host, String created) {
        return new ImageManifest(host + "-" + created, created, "full", null, "ab", host, List.of(), null, null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, List<String>> keptFor(List<ImageManifest> manifests, Instant now) throws Exception {
        List<RemoteObject> objects = manifests.stream().map(m -> new RemoteObject("images/" + m.id() + "/manifest.json", 100, "e", now)).toList();
        InventoryState.Snapshot listed = new InventoryState(dir.resolve("inventory.json"))
                .save(now, List.of(new InventoryState.Listed("image", "images/", objects)), manifests);
        Map<String, Object> view = InventoryView.of("bucket", "images/", "host-a", listed, InventoryState.Query.FIRST,
                RetentionPolicy.parse("2h"), now, ZoneId.of("UTC"));
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map<String, Object> b : (List<Map<String, Object>>) view.get("imageBackups")) {
            out.put((String) b.get("id"), new ArrayList<>((List<String>) b.get("keptFor")));
        }
        return out;
    }

    @Test
    void another_hosts_backups_neither_take_this_hosts_slots_nor_show_as_deleted() throws Exception {
        // two hosts back up each hour into one prefix: host-b's half past is the newest of each hour
        List<ImageManifest> manifests = List.of(full("host-a", "2026-12-02T10:00:00Z"), full("host-b", "2026-12-02T10:30:00Z"),
                full("host-a", "2026-12-02T09:00:00Z"), full("host-b", "2026-12-02T09:30:00Z"), full("host-a", "2026-12-02T08:00:00Z"));

        Map<String, List<String>> kept = keptFor(manifests, Instant.parse("2026-12-02T10:45:00Z"));

        assertThat(kept.get("host-a-2026-12-02T10:00:00Z")).containsExactly("hourly 1");
        assertThat(kept.get("host-a-2026-12-02T09:00:00Z")).containsExactly("hourly 2");
        assertThat(kept.get("host-a-2026-12-02T08:00:00Z")).as("the third hour of a 2h policy").isEmpty();
        assertThat(kept.get("host-b-2026-12-02T10:30:00Z")).containsExactly("host host-b's: never deleted by this host's retention");
    }

    @Test
    void after_the_clock_went_back_no_backup_shows_as_deleted() throws Exception {
        List<ImageManifest> manifests = List.of(full("host-a", "2026-12-02T10:00:00Z"), full("host-a", "2026-12-02T09:00:00Z"),
                full("host-a", "2026-12-02T08:00:00Z"));

        Map<String, List<String>> kept = keptFor(manifests, Instant.parse("2026-12-02T07:30:00Z"));

        assertThat(kept.values()).allSatisfy(reasons -> assertThat(reasons).singleElement().asString().startsWith("retention skipped"));
    }
}
