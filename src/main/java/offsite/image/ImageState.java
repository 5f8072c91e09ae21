package offsite.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import offsite.files.Sha256;

/**
 * What the next backup needs to know, kept in the data directory: the current complete image (id, size, time),
 * the deltas sent against it, the diffs since the last one that matched every entry (a full read), and, beside
 * it, only that image's rdiff signature and layout index (never the image itself). signatureSha256 ties the
 * signature to this state (null in a state.json from before it was kept: the signature is then taken as it is).
 */
public record ImageState(String completeId, long completeSize, String completeCreated, int deltasSent, int diffsSinceFullRead,
        String signatureSha256) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ImageState load(Path file) throws IOException {
        return Files.exists(file) ? JSON.readValue(file.toFile(), ImageState.class) : null;
    }

    /** The same complete image and signature after one more delta (a full read or not). */
    ImageState afterDelta(boolean fullRead) {
        return new ImageState(completeId, completeSize, completeCreated, deltasSent + 1, fullRead ? 0 : diffsSinceFullRead + 1, signatureSha256);
    }

    /** Whether signature is the one stored with this state: false when a backup stopped between storing one and the other. */
    boolean signs(Path signature) throws IOException {
        return signatureSha256 == null || signatureSha256.equals(Sha256.of(signature));
    }

    public void save(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
