package offsite.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the next backup needs to know, kept in the data directory: the current complete image (id, size, time),
 * the deltas sent against it, the diffs since the last one that matched every entry (a full read), and, beside
 * it, only that image's rdiff signature and layout index (never the image itself).
 */
public record ImageState(String completeId, long completeSize, String completeCreated, int deltasSent, int diffsSinceFullRead) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ImageState load(Path file) throws IOException {
        return Files.exists(file) ? JSON.readValue(file.toFile(), ImageState.class) : null;
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
