package offsite.sync;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import offsite.files.PathBytes;

/**
 * A file's path under the source as a key, and back: its bytes read as UTF-8, each byte that is not valid UTF-8
 * written as ‛XX (rclone's encoding of invalid UTF-8, so a name in Latin-1 from an old backup application is still
 * stored, and restored with its own bytes), and a ‛ of the name itself written ‛‛, as rclone quotes its quote, so
 * that every name comes back as it was and no two names share a key. A name without ‛ keeps the key it always had.
 * Java decodes invalid bytes to U+FFFD, which loses them; a path's URI keeps them, percent-encoded.
 */
public final class KeyName {

    /** rclone's quote for a byte that is not UTF-8: ‛ (U+201B) followed by the byte in two hex digits. */
    static final char QUOTE = '\u201B';

    private KeyName() {
    }

    /** The key part for file under root ('/' separated); a plain name is returned as Java reads it, its ‛ doubled. */
    public static String of(Path root, Path file) {
        String plain = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (plain.indexOf('\uFFFD') < 0) {
            return quoted(plain);
        }
        byte[] rootBytes = PathBytes.of(root);
        byte[] fileBytes = PathBytes.of(file);
        int skip = rootBytes.length + (rootBytes.length > 0 && rootBytes[rootBytes.length - 1] == '/' ? 0 : 1);
        return escaped(ByteBuffer.wrap(fileBytes, skip, fileBytes.length - skip));
    }

    /**
     * The file for a key part under dir: ‛‛ turned back into ‛ and ‛XX into its byte where that is one of 80 to FF (the
     * only bytes that are ever not UTF-8: ‛2E‛2E is no way to write ".."); any other ‛ stands for itself, as in keys
     * stored before ‛ was doubled.
     */
    public static Path resolve(Path dir, String relative) {
        if (relative.indexOf(QUOTE) < 0) {
            return dir.resolve(relative);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < relative.length(); i++) {
            char c = relative.charAt(i);
            if (c == QUOTE && i + 1 < relative.length() && relative.charAt(i + 1) == QUOTE) {
                bytes.writeBytes(String.valueOf(QUOTE).getBytes(StandardCharsets.UTF_8));
                i += 1;
            } else if (c == QUOTE && i + 2 < relative.length() && isHex(relative.charAt(i + 1)) && isHex(relative.charAt(i + 2))
                    && HexFormat.fromHexDigits(relative, i + 1, i + 3) >= 0x80) {
                bytes.write(HexFormat.fromHexDigits(relative, i + 1, i + 3));
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < relative.length() ? i + 2 : i + 1;
                bytes.writeBytes(relative.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        byte[] base = PathBytes.of(dir.toAbsolutePath());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(base);
        if (base.length == 0 || base[base.length - 1] != '/') {
            all.write('/');
        }
        all.writeBytes(bytes.toByteArray());
        return PathBytes.path(all.toByteArray());
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'F' || c >= 'a' && c <= 'f';
    }

    /** Valid UTF-8 decoded with its ‛ doubled, every other byte as ‛XX. */
    static String escaped(ByteBuffer in) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer run = CharBuffer.allocate(in.remaining() + 8); // UTF-8 never decodes to more chars than bytes
        StringBuilder out = new StringBuilder();
        while (true) {
            CoderResult result = decoder.decode(in, run, true);
            if (result.isUnderflow()) {
                decoder.flush(run);
                return out.append(quoted(run.flip().toString())).toString();
            }
            out.append(quoted(run.flip().toString()));
            run.clear();
            for (int i = 0; i < result.length(); i++) {
                out.append(QUOTE).append(HexFormat.of().withUpperCase().toHexDigits(in.get()));
            }
        }
    }

    /** A valid name's ‛ doubled: ‛XX in a key always stands for a byte that is not UTF-8. */
    private static String quoted(String name) {
        return name.indexOf(QUOTE) < 0 ? name : name.replace(String.valueOf(QUOTE), String.valueOf(QUOTE) + QUOTE);
    }
}
