package offsite.notify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;

/**
 * A file whose modification time is the last moment the long-running process was known to run, touched every minute:
 * after a restart it tells whether the process was up when a window passed without a report.
 */
public final class AliveMark {

    private final Path file;
    private final Clock clock;

    public AliveMark(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** The last time the process was known alive, or null if no process has marked it yet. */
    public Instant lastAlive() throws IOException {
        return Files.exists(file) ? Files.getLastModifiedTime(file).toInstant() : null;
    }

    /** Marks the process alive now. */
    public void touch() throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "The modification time of this file is the last minute Offsite's long-running process was known"
                    + " to run.\n", StandardCharsets.UTF_8);
        }
        Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    }
}
