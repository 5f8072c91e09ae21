package offsite.image;

import java.util.Arrays;
import java.util.HexFormat;

/** One extended attribute: its full name with the namespace (security.capability, user.mime_type) and raw value. */
record Xattr(String name, byte[] value) implements Comparable<Xattr> {

    Xattr {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Restoring it needs privileges beyond the file's owner's: security.* and trusted.* (CAP_SETFCAP, CAP_SYS_ADMIN). */
    boolean privileged() {
        return name.startsWith("security.") || name.startsWith("trusted.");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xattr x && x.name.equals(name) && Arrays.equals(x.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=0x" + HexFormat.of().formatHex(value);
    }

    /** By name, as GNU tar lists them. */
    @Override
    public int compareTo(Xattr o) {
        return name.compareTo(o.name);
    }
}
