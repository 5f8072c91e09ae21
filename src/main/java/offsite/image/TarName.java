package offsite.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import offsite.files.PathBytes;

/**
 * A path's own bytes as a name, and back, whatever the JVM's file-name encoding: the bytes read as UTF-8, each byte
 * that is not valid UTF-8 carried as the lone surrogate U+DC80 to U+DCFF (Python's surrogateescape), which valid
 * UTF-8 never decodes to, so a Latin-1 {@code caf\xE9} keeps its byte in the tar and on restore. Java reads such a
 * byte as U+FFFD, and under a locale that is not UTF-8 every non-ASCII byte; a path's URI keeps them, percent-encoded.
 */
final class TarName {

    private static final char ESCAPE_BASE = '\uDC00';
    private static final boolean UTF8_NAMES = LibC.FILE_NAMES.equals(StandardCharsets.UTF_8);

    private TarName() {
    }

    /** The path's bytes as a name (an absolute path keeps its leading "/"). */
    static String of(Path path) {
        String plain = path.toString();
        return UTF8_NAMES && plain.indexOf('\uFFFD') < 0 ? plain : decode(bytes(path));
    }

    /** The bytes libc takes for the path (without the NUL): those it was listed with, not Java's re-encoding. */
    static byte[] bytes(Path path) {
        String plain = path.toString();
        if (UTF8_NAMES && plain.indexOf('\uFFFD') < 0) {
            return plain.getBytes(StandardCharsets.UTF_8);
        }
        boolean relative = !path.isAbsolute();
        byte[] raw = PathBytes.of(relative ? path.getFileSystem().getPath("/").resolve(path) : path);
        int end = raw.length > 1 && raw[raw.length - 1] == '/' ? raw.length - 1 : raw.length; // toUri marks a directory
        int start = relative ? 1 : 0;
        byte[] out = new byte[end - start];
        System.arraycopy(raw, start, out, 0, out.length);
        return out;
    }

    /** The name's bytes: UTF-8, each escaped byte as itself. */
    static byte[] bytes(String name) {
        if (!hasEscapes(name)) {
            return name.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 8);
        name.codePoints().forEach(cp -> {
            if (cp >= ESCAPE_BASE + 0x80 && cp <= ESCAPE_BASE + 0xff) {
                out.write(cp - ESCAPE_BASE);
            } else {
                out.writeBytes(Character.toString(cp).getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }

    /** Bytes as a name: valid UTF-8 decoded, every other byte escaped. */
    static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    static String decode(byte[] bytes, int offset, int length) {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(length + 1); // UTF-8 never decodes to more chars than bytes
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isUnderflow()) {
                decoder.flush(out);
                return out.flip().toString();
            }
            for (int i = 0; i < result.length(); i++) {
                out.put((char) (ESCAPE_BASE + (in.get() & 0xff)));
            }
        }
    }

    /** The path of name (relative, '/' separated) under dir, with the name's own bytes. */
    static Path resolve(Path dir, String name) {
        if (UTF8_NAMES && !hasEscapes(name)) {
            return dir.resolve(name);
        }
        byte[] base = bytes(dir.toAbsolutePath());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(base);
        if (base.length == 0 || base[base.length - 1] != '/') {
            all.write('/');
        }
        all.writeBytes(bytes(name));
        return PathBytes.path(all.toByteArray());
    }

    /** A symlink's target as a path with the name's own bytes, relative or absolute as written. */
    static Path path(String name) {
        if (UTF8_NAMES && !hasEscapes(name)) {
            return Path.of(name);
        }
        if (name.startsWith("/")) {
            return PathBytes.path(bytes(name));
        }
        Path slash = Path.of("/");
        return slash.relativize(resolve(slash, name));
    }

    private static boolean hasEscapes(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff) {
                return true;
            }
        }
        return false;
    }
}
