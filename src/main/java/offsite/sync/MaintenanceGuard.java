package offsite.sync;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Keeps the mirror out of the backup application's way: busy while a marker file (path or glob, such as its
 * lock file) exists, or while a source file was modified within the quiet period.
 */
public final class MaintenanceGuard {

    /** How long a look for the markers holds during a pass (see markerPresentLately). */
    static final Duration RECHECK = Duration.ofSeconds(1);

    private record Look(Instant at, Optional<String> found) {
    }

    private final List<String> markers;
    private final Duration quietPeriod;
    private volatile Look lastLook = new Look(Instant.MIN, Optional.empty());

    public MaintenanceGuard(List<String> markers, Duration quietPeriod) {
        for (String marker : markers) {
            if (!marker.startsWith("/")) {
                throw new IllegalArgumentException("offsite.sync.maintenance-marker: '" + marker
                        + "' is not absolute (expected an absolute path or glob such as /backups/*.lock)");
            }
            if (indexOfGlob(marker) >= 0) {
                try {
                    FileSystems.getDefault().getPathMatcher("glob:" + marker); // a bad one would fail every pass, at its first look
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("offsite.sync.maintenance-marker: '" + marker + "' is not a glob: " + e.getDescription()
                            + " (expected an absolute path or glob such as /backups/*.lock or /backups/{a,b}.lock)");
                }
            }
        }
        this.markers = List.copyOf(markers);
        this.quietPeriod = quietPeriod;
    }

    /** Why the backup application looks busy now, or empty. */
    public Optional<String> busy(Instant now, Collection<LocalFile> source) {
        Optional<String> marker = markerPresent();
        if (marker.isPresent()) {
            return marker;
        }
        return modifiedWithin("offsite.sync.quiet-period", quietPeriod, now, source);
    }

    /**
     * The newest file modified within period before now (a zero period: none), named with its time, its age, the setting
     * and its value; empty when there is none. One rule for quiet-period and stable-for, for the mirror and the offline copy.
     */
    public static Optional<String> modifiedWithin(String setting, Duration period, Instant now, Collection<LocalFile> source) {
        if (period.isZero()) {
            return Optional.empty();
        }
        LocalFile newest = null;
        for (LocalFile f : source) {
            if (f.modified().isAfter(now.minus(period)) && (newest == null || f.modified().isAfter(newest.modified()))) {
                newest = f;
            }
        }
        if (newest == null) {
            return Optional.empty();
        }
        Duration age = Duration.between(newest.modified(), now);
        // a time ahead of the clock: a wrong clock here or on the machine that wrote it, which only the user can set right
        String ago = age.isNegative() ? "in the future (is a clock wrong?)" : span(age) + " ago";
        return Optional.of("source file " + PrintableName.of(newest.relativePath()) + " was modified at " + newest.modified() + ", " + ago
                + ", within " + setting + " (" + span(period) + ")");
    }

    /** A span as a reader takes it in: seconds under two minutes, minutes under two hours, else hours and minutes. */
    private static String span(Duration d) {
        long s = d.abs().toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 2 * 3600) {
            return s / 60 + " min";
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }

    /** The first marker found, checked before each upload starts. */
    public Optional<String> markerPresent() {
        for (String marker : markers) {
            Optional<Path> found = find(marker);
            if (found.isPresent()) {
                return Optional.of("maintenance marker " + found.get() + " exists (offsite.sync.maintenance-marker)");
            }
        }
        return Optional.empty();
    }

    /**
     * markerPresent as it was at most RECHECK before now: asked before each upload of a pass (100,000 of them at
     * times), a glob over a large folder would be walked each time. A clock set back looks again.
     */
    public Optional<String> markerPresentLately(Instant now) {
        Look look = lastLook;
        if (now.isBefore(look.at()) || !now.isBefore(look.at().plus(RECHECK))) {
            look = new Look(now, markerPresent());
            lastLook = look;
        }
        return look.found();
    }

    private static Optional<Path> find(String pattern) {
        int glob = indexOfGlob(pattern);
        if (glob < 0) {
            Path p = Path.of(pattern);
            return Files.exists(p) ? Optional.of(p) : Optional.empty();
        }
        Path base = Path.of(pattern.substring(0, pattern.lastIndexOf('/', glob) + 1));
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = pattern.contains("**") ? Integer.MAX_VALUE
                : (int) pattern.substring(base.toString().length()).chars().filter(c -> c == '/').count();
        try (Stream<Path> walk = Files.walk(base, Math.max(1, depth))) {
            return walk.filter(matcher::matches).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int indexOfGlob(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
