package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a stream line by line with bounded memory: each line's bytes as ISO-8859-1 text (any byte passes through
 * unchanged) and its end ("\n", "\r\n" or "" at the end of the stream). A line longer than the limit is returned
 * cut at the limit with overlong set, and the rest of it is skipped.
 */
final class TextLines {

    /** One line: its text without the end, the end itself, and whether it was cut. */
    record Line(String text, String end, boolean overlong) {
    }

    private final InputStream in;
    private final byte[] buffer;

    TextLines(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes: " + maxLineBytes + " (expected at least 1)");
        }
        this.in = in;
        this.buffer = new byte[maxLineBytes + 1];
    }

    /** The next line, or null at the end of the stream. */
    Line next() throws IOException {
        int length = 0;
        boolean overlong = false;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (length < buffer.length) {
                buffer[length++] = (byte) b;
            } else {
                overlong = true;
            }
        }
        if (b == -1 && length == 0) {
            return null;
        }
        String end = b == '\n' ? "\n" : "";
        if (!overlong && b == '\n' && length > 0 && buffer[length - 1] == '\r') {
            length--;
            end = "\r\n";
        }
        if (length == buffer.length) {
            overlong = true;
            length--;
        }
        return new Line(new String(buffer, 0, length, StandardCharsets.ISO_8859_1), end, overlong);
    }
}
