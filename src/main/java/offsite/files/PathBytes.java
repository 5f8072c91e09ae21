package offsite.files;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * A path's own bytes, and the path of given bytes, whatever the JVM's file-name encoding: Java decodes bytes it cannot
 * read to U+FFFD (under a locale that is not UTF-8, every non-ASCII byte), which loses them; a path's file: URI keeps
 * them, percent-encoded.
 */
public final class PathBytes {

    private PathBytes() {
    }

    /** The bytes of the path made absolute, as its URI gives them: a directory's end in '/', as the URI marks it. */
    public static byte[] of(Path path) {
        String raw = path.toUri().getRawPath();
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** The path whose bytes these are ('/' separated, absolute). */
    public static Path path(byte[] absolute) {
        StringBuilder uri = new StringBuilder("file://");
        for (byte b : absolute) {
            int v = b & 0xff;
            if (v == '/' || v >= 'a' && v <= 'z' || v >= 'A' && v <= 'Z' || v >= '0' && v <= '9' || "-._~".indexOf(v) >= 0) {
                uri.append((char) v);
            } else {
                uri.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) v));
            }
        }
        return Path.of(URI.create(uri.toString()));
    }
}
