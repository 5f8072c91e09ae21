package offsite.notify;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import offsite.config.UrlLogin;

/**
 * Takes secrets out of text meant for a log: the mail password and the webhook header values wherever they occur, and of
 * every URL all but its scheme and host (a webhook's path, a heartbeat's ping id and any user:password@ are secrets).
 */
public final class Redaction {

    /** A URL in a text: its scheme and all up to a blank or a quote (a password may hold / ? # @, so no earlier end). */
    private static final Pattern URL = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s'\"]*");
    /** A URL whose login is already hidden: scheme, host and port, the rest. */
    private static final Pattern PARTS = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", Pattern.DOTALL);

    private final List<String> secrets;

    public Redaction(Collection<String> secrets) {
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> !s.isBlank())
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** The text with every URL cut to its scheme and host and every secret replaced by ***. */
    public String apply(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "***");
        }
        Matcher m = URL.matcher(out);
        StringBuilder cut = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(cut, Matcher.quoteReplacement(url(m.group())));
        }
        m.appendTail(cut);
        return cut.toString();
    }

    /** A URL as it may be shown: scheme and host (and port), the rest and any login replaced by an ellipsis. */
    public static String url(String value) {
        String shown = UrlLogin.hidden(value.trim());
        Matcher m = PARTS.matcher(shown);
        if (!m.matches()) {
            int slash = shown.indexOf('/');
            return slash < 0 ? shown : shown.substring(0, slash) + "/…";
        }
        String authority = m.group(2);
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        boolean more = authority.contains("@") || !m.group(3).isEmpty() && !m.group(3).equals("/");
        return m.group(1) + "://" + host + (more ? "/…" : "");
    }
}
