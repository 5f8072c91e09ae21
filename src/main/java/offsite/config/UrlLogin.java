package offsite.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The login (user:password@) in a URL or host value, hidden wherever a value is repeated. A password may hold / ? # :
 * and even @, so the login runs from the scheme's :// (or the value's start) to the last @ of the value: a value with
 * an @ in its path loses more than its login, never less.
 */
public final class UrlLogin {

    /** What a hidden login shows as. */
    public static final String HIDDEN = "(hidden)";

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://");

    private UrlLogin() {
    }

    /** The value with everything between its scheme's :// (or its start) and its last @ shown as (hidden); unchanged without an @. */
    public static String hidden(String value) {
        int at = value.lastIndexOf('@');
        if (at < 0) {
            return value;
        }
        Matcher scheme = SCHEME.matcher(value);
        String start = scheme.lookingAt() ? value.substring(0, scheme.end()) : "";
        return start + HIDDEN + value.substring(at);
    }
}
