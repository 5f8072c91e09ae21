package offsite.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells a write that failed because its file system is full (ENOSPC) from other write failures. */
public final class DiskFull {

    private DiskFull() {
    }

    /** Whether this failure writing to file is a full disk: by the OS's message, or by no usable space left there. */
    public static boolean is(IOException failure, Path file) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("No space left on device")) {
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
