package offsite.offline;

/**
 * One line of a SHA256SUMS file as GNU sha256sum writes it, so `sha256sum -c` checks every name: a name holding a
 * backslash, newline or carriage return is written with \\, \n and \r and its line starts with a backslash.
 */
public final class ChecksumLine {

    private ChecksumLine() {
    }

    /** The line for a file's hex SHA-256 and its name relative to the sums file ('/' between folders), without the newline. */
    public static String of(String sha256, String name) {
        if (name.indexOf('\\') < 0 && name.indexOf('\n') < 0 && name.indexOf('\r') < 0) {
            return sha256 + "  " + name;
        }
        String escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return "\\" + sha256 + "  " + escaped;
    }
}
