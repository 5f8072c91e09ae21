package offsite.retention;

import java.time.Instant;

/** A backup as retention sees it: a complete image (FULL, no base) or a DIFF against the complete image named base. */
public record Backup(String id, Instant created, Type type, String base) {

    /** A complete image restores alone; a diff needs its base. */
    public enum Type { FULL, DIFF }

    public Backup {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("backup id is missing");
        }
        if (created == null || type == null) {
            throw new IllegalArgumentException("backup " + id + " needs a creation time and a type (FULL or DIFF)");
        }
        if (type == Type.DIFF && (base == null || base.isBlank())) {
            throw new IllegalArgumentException("diff " + id + " names no complete image it depends on");
        }
        if (type == Type.FULL && base != null) {
            throw new IllegalArgumentException("complete image " + id + " names a base (" + base + "); only a diff has one");
        }
    }

    /** The form built from a manifest: full, or a diff of base. */
    public Backup(String id, Instant created, boolean full, String base) {
        this(id, created, full ? Type.FULL : Type.DIFF, base);
    }

    public static Backup full(String id, Instant created) {
        return new Backup(id, created, Type.FULL, null);
    }

    public static Backup diff(String id, Instant created, String base) {
        return new Backup(id, created, Type.DIFF, base);
    }

    public boolean full() {
        return type == Type.FULL;
    }
}
