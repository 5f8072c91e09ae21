package offsite.sync;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The source directory as the last complete poll of the file consumer saw it. The route hands over each file
 * of a poll; the file with the batch-complete flag (or the empty message of an empty poll) publishes the scan.
 */
public final class SourceScan {

    /** One complete poll: the files seen and when the poll started. */
    public record Snapshot(List<LocalFile> files, Instant started) {
        public Snapshot {
            files = List.copyOf(files);
        }
    }

    private final Path root;
    private final Clock clock;
    private final boolean followSymlinks;
    private List<LocalFile> building = new ArrayList<>();
    private Instant buildingStarted;
    private Snapshot latest;

    /** followSymlinks false: files reached through a symbolic link (the file or a folder above it) are left out. */
    public SourceScan(Path root, Clock clock, boolean followSymlinks) {
        this.root = root;
        this.clock = clock;
        this.followSymlinks = followSymlinks;
    }

    /** One exchange of the file consumer; all arguments are null for the empty message of an empty poll. */
    public synchronized void observe(String relativePath, Long length, Long lastModified, Integer batchIndex, Boolean batchComplete) {
        if (batchIndex == null || batchIndex == 0 || buildingStarted == null) {
            building = new ArrayList<>();
            buildingStarted = clock.instant();
        }
        if (relativePath != null) {
            String relative = relativePath.replace('\\', '/');
            if (followSymlinks || !throughSymlink(relative)) {
                building.add(new LocalFile(relative, root.resolve(relative), length, Instant.ofEpochMilli(lastModified)));
            }
        }
        if (batchComplete == null || batchComplete) {
            latest = new Snapshot(building, buildingStarted);
            buildingStarted = null;
            notifyAll();
        }
    }

    private boolean throughSymlink(String relative) {
        Path p = root.resolve(relative);
        for (; p != null && !p.equals(root); p = p.getParent()) {
            if (java.nio.file.Files.isSymbolicLink(p)) {
                return true;
            }
        }
        return false;
    }

    /** The first complete scan that started at or after the given time, waiting for it at most timeout. */
    public synchronized Snapshot awaitScanSince(Instant since, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (latest == null || latest.started().isBefore(since)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return latest;
    }

    public synchronized Snapshot latest() {
        return latest;
    }

    public Path root() {
        return root;
    }
}
