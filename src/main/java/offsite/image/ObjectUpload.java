package offsite.image;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * A file to put at a key, as the image-put route sends it; contentSize is what a compressed file decompresses to (null
 * when stored as it is); sent hears of each byte read for the upload (progress); stored runs once the object is in the
 * bucket and checked (what the report counts as uploaded).
 */
public record ObjectUpload(String key, Path file, String role, String compression, long size, String sha256, Long contentSize,
        LongConsumer sent, Runnable stored) {
}
