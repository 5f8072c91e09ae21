package offsite.image;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * .netrc (_netrc on Windows): whitespace-separated tokens, a keyword's value on the same line or a later one. The
 * keywords stay, and so do the values of machine, login and macdef (host, user, macro name); the values of password
 * and account, any token that is no keyword, the text of "#" comments and every line of a macro's body (up to the
 * blank line that ends it) become "x".
 */
final class NetrcFormat implements SecretFormat.Lines {

    static final SecretFormat FORMAT = new SecretFormat(".netrc", "[._]netrc", NetrcFormat::new);

    private static final Pattern TOKEN = Pattern.compile("\\S+");
    private static final Set<String> KEEP_VALUE = Set.of("machine", "login", "macdef");
    private static final Set<String> HIDE_VALUE = Set.of("password", "account");

    private String pending; // the keyword whose value is the next token
    private boolean inMacro; // after a macdef line, up to a blank line

    @Override
    public String scrub(String line) {
        if (inMacro) {
            inMacro = !line.isBlank();
            return inMacro ? "x" : line;
        }
        String comment = CommentLine.scrub(line, "#");
        if (comment != null && pending == null) {
            return comment;
        }
        StringBuilder out = new StringBuilder(line.length());
        Matcher token = TOKEN.matcher(line);
        int last = 0;
        while (token.find()) {
            out.append(line, last, token.start());
            last = token.end();
            String text = token.group();
            if (pending != null) {
                out.append(KEEP_VALUE.contains(pending) ? text : "x");
                inMacro = pending.equals("macdef");
                pending = null;
            } else if (KEEP_VALUE.contains(text) || HIDE_VALUE.contains(text)) {
                out.append(text);
                pending = text;
            } else {
                out.append(text.equals("default") ? text : "x");
            }
        }
        return out.append(line, last, line.length()).toString();
    }
}
