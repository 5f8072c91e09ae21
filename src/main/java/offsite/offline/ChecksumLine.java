package offsite.offline;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One line of a SHA256SUMS file as GNU sha256sum writes it, so `sha256sum -c` checks every name: the name's own bytes
 * (a Latin-1 name stays Latin-1), and a name holding a backslash, newline or carriage return is written with \\, \n
 * and \r and its line starts with a backslash.
 */
public final class ChecksumLine {

    private ChecksumLine() {
    }

    /** The line for a file's hex SHA-256 and its name's bytes relative to the sums file ('/' between folders), without the newline. */
    public static byte[] of(String sha256, byte[] name) {
        ByteArrayOutputStream escaped = new ByteArrayOutputStream(name.length + 8);
        boolean escapes = false;
        for (byte b : name) {
            switch (b) {
                case '\\' -> escaped.writeBytes(new byte[] {'\\', '\\'});
                case '\n' -> escaped.writeBytes(new byte[] {'\\', 'n'});
                case '\r' -> escaped.writeBytes(new byte[] {'\\', 'r'});
                default -> escaped.write(b);
            }
            escapes |= b == '\\' || b == '\n' || b == '\r';
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(escaped.size() + 68);
        line.writeBytes(((escapes ? "\\" : "") + sha256 + "  ").getBytes(StandardCharsets.US_ASCII));
        line.writeBytes(escaped.toByteArray());
        return line.toByteArray();
    }
}
