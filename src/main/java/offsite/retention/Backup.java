package offsite.retention;

import java.time.Instant;

/** A backup as retention sees it: a complete image (base null) or a diff against the complete image base. */
public record Backup(String id, Instant created, boolean full, String base) {

    public Backup {
        if (id == null || created == null) {
            throw new IllegalArgumentException("a backup needs an id and a creation time");
        }
        if (!full && base == null) {
            throw new IllegalArgumentException("diff " + id + " names no complete image it depends on");
        }
    }
}
