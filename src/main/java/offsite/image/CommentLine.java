package offsite.image;

/**
 * A comment line of a secret file keeps its marker and loses its text, which may be an old password commented out:
 * "# DB_PASSWORD=old" becomes "# x"; an empty comment stays as it is.
 */
final class CommentLine {

    private CommentLine() {
    }

    /** The scrubbed comment, or null when the line's first visible character is none of the markers ("#", "#;"). */
    static String scrub(String line, String markers) {
        int start = 0;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        if (start == line.length() || markers.indexOf(line.charAt(start)) < 0) {
            return null;
        }
        int text = start;
        while (text < line.length() && markers.indexOf(line.charAt(text)) >= 0) {
            text++;
        }
        return line.substring(text).isBlank() ? line : line.substring(0, text) + " x";
    }
}
