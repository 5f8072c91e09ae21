package offsite.sync;

/**
 * A file name as plan, log and report print it: control characters (a newline, a tab, an escape) and the
 * replacement character of bytes that were not valid UTF-8 are escaped, so a name can never forge a line.
 */
public final class PrintableName {

    private PrintableName() {
    }

    public static String of(String name) {
        StringBuilder out = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            String escaped = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\\' -> "\\\\";
                // a byte no encoding could read, as an image name carries it (U+DC80 to U+DCFF), is shown as that byte
                default -> Character.isISOControl(c) || c == '\uFFFD' ? String.format("\\u%04x", (int) c)
                        : c >= '\uDC80' && c <= '\uDCFF' && (i == 0 || !Character.isHighSurrogate(name.charAt(i - 1)))
                        ? String.format("\\x%02x", c - 0xDC00) : null;
            };
            if (escaped != null && out == null) {
                out = new StringBuilder(name.length() + 8).append(name, 0, i);
            }
            if (out != null) {
                if (escaped != null) {
                    out.append(escaped);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? name : out.toString();
    }
}
