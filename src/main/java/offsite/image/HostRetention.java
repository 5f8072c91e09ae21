package offsite.image;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import offsite.retention.Backup;
import offsite.retention.RetentionPolicy;

/**
 * Retention over one host's backups among all those under the image prefix: the plan a backup applies and the status page
 * shows. Another host's backups, and those made before backups named their host, are never this host's to delete.
 *
 * @param ours this host's backups
 * @param plan what retention keeps and deletes of them; null when it is skipped
 * @param newest this host's newest backup, made after now when the plan is skipped (the host's clock went back)
 */
public record HostRetention(List<Backup> ours, RetentionPolicy.Plan plan, Backup newest) {

    public static HostRetention of(List<ImageManifest> listed, String host, RetentionPolicy keep, Instant now, ZoneId zone) {
        List<Backup> ours = listed.stream().filter(m -> host.equals(m.host()))
                .map(m -> new Backup(m.id(), Instant.parse(m.created()), m.full(), m.base())).toList();
        Backup newest = ours.stream().max(Comparator.comparing(Backup::created)).orElse(null);
        // retention goes by creation times: after a clock set back, it would take the backups made since for the oldest
        if (newest != null && newest.created().isAfter(now)) {
            return new HostRetention(ours, null, newest);
        }
        return new HostRetention(ours, keep.apply(ours, zone), newest);
    }

    public boolean skipped() {
        return plan == null;
    }
}
