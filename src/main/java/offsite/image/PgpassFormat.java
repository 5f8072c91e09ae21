package offsite.image;

/**
 * PostgreSQL's .pgpass (pgpass.conf on Windows): host:port:database:user:password, ':' and '\' escaped by '\'. The
 * first four fields stay; everything after the fourth unescaped ':' becomes "x"; comments lose their text; a line
 * with fewer fields becomes "x".
 */
final class PgpassFormat implements SecretFormat.Lines {

    static final SecretFormat FORMAT = new SecretFormat(".pgpass", "\\.pgpass|pgpass\\.conf", PgpassFormat::new);

    @Override
    public String scrub(String line) {
        if (line.isBlank()) {
            return line;
        }
        String comment = CommentLine.scrub(line, "#");
        if (comment != null) {
            return comment;
        }
        int colons = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ':' && ++colons == 4) {
                return line.substring(0, i + 1) + (i + 1 == line.length() ? "" : "x");
            }
        }
        return "x";
    }
}
