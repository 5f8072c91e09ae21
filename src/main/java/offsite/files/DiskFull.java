package offsite.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells a write that failed because its file system is full (ENOSPC) from other write failures. */
public final class DiskFull {

    private DiskFull() {
    }

    /**
     * Whether this failure writing to file is a full disk or quota: by the C library's English message, or, where it
     * speaks another language, by no usable space left on file's disk.
     */
    public static boolean is(Throwable failure, Path file) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && (t.getMessage().contains("No space left on device") || t.getMessage().contains("Disk quota exceeded"))) {
                return true;
            }
        }
        try {
            Path existing = file;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return existing != null && Files.getFileStore(existing).getUsableSpace() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
