package offsite.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Refuses a run whose source looks unmounted: missing, unreadable, or empty while the bucket has a copy (in any generation). */
public final class SourceCheck {

    private SourceCheck() {
    }

    public static Optional<String> refusal(Path source, boolean remoteHasObjects) {
        return refusal(source, () -> remoteHasObjects);
    }

    /** bucketHoldsCopy is asked only when the source is empty: it may list the bucket. */
    public static Optional<String> refusal(Path source, BooleanSupplier bucketHoldsCopy) {
        if (!Files.exists(source)) {
            return Optional.of("offsite.sync.source: " + source + " does not exist (is the disk mounted?)");
        }
        if (!Files.isDirectory(source)) {
            return Optional.of("offsite.sync.source: " + source + " is not a directory");
        }
        if (!Files.isReadable(source) || !Files.isExecutable(source)) {
            return Optional.of("offsite.sync.source: " + source + " is not readable by this user");
        }
        try (Stream<Path> entries = Files.list(source)) {
            if (entries.findAny().isEmpty() && bucketHoldsCopy.getAsBoolean()) {
                return Optional.of("offsite.sync.source: " + source
                        + " is empty but the bucket holds a copy: refusing (an unmounted disk looks like this)");
            }
        } catch (IOException e) {
            return Optional.of("offsite.sync.source: " + source + " cannot be listed: " + e.getMessage());
        }
        return Optional.empty();
    }
}
