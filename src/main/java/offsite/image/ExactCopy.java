package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Copies exactly the size a tar header announced: a file that grew is cut there, one that shrank is padded with
 * zero bytes (as GNU tar does), so that a file changing during the backup never breaks the archive.
 */
final class ExactCopy {

    private ExactCopy() {
    }

    /** Writes exactly size bytes to out; true when the input did not hold exactly size bytes. */
    static boolean copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        boolean changed = left > 0 || in.read() != -1;
        Arrays.fill(buffer, (byte) 0);
        for (; left > 0; left -= Math.min(buffer.length, left)) {
            out.write(buffer, 0, (int) Math.min(buffer.length, left));
        }
        return changed;
    }
}
