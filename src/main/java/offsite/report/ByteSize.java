package offsite.report;

import java.util.Locale;

/** Human-readable byte counts and rates, binary units as the settings use them. */
public final class ByteSize {

    private ByteSize() {
    }

    public static String format(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (Math.abs(bytes) >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f %s", bytes, units[u]) : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }

    public static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s";
        }
        return (seconds / 3600) + "h" + String.format(Locale.ROOT, "%02d", (seconds % 3600) / 60) + "m";
    }
}
