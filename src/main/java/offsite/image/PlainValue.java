package offsite.image;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which values a format may keep in the base: those whose key names no secret and whose text has the shape of a
 * setting rather than of a credential. Anything else is replaced, so that a secret under a name no list foresaw
 * (DB_PASS, ROOTPW, a token in a URL's path) still never reaches the base.
 */
final class PlainValue {

    /** A key naming a secret, anywhere in it and in any case: db_password, ROOTPW, api-key, X-Auth-Token, psk, ADMIN_PHRASE. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(pass|pw|secret|token|auth|cred|key|salt|cookie|session|private|psk|hash|otp|sign|phrase).*");

    /** Words naming a secret only as a whole word of a key (pin, sim_pin, simPin, PIN1, recovery_codes; not mapping, encode, codec). */
    private static final Set<String> SECRET_WORDS = Set.of("pin", "pins", "puk", "puks", "code", "codes");

    /** Words before "code" that make it a classification, no secret: country_code, languageCode, HTTP_STATUS_CODE. */
    private static final Set<String> CLASSIFYING_WORDS = Set.of("country", "language", "lang", "locale", "currency", "region",
            "zip", "postal", "area", "status", "exit", "error", "response", "return");

    /** Where a key splits into words: separators, a lower-case letter before a capital, letters beside digits. */
    private static final Pattern WORD_BREAK = Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\\d)|(?<=\\d)(?=[A-Za-z])");

    private static final Pattern SHAPE = Pattern.compile(String.join("|",
            "", // empty
            "[A-Za-z][A-Za-z_\\-]{0,23}", // a word without digits: true, info, production, WPA-PSK
            "[-+]?\\d{1,10}(\\.\\d{1,6})?[A-Za-z%]{0,3}", // a number, size or duration: 5432, 0.5, 512M, 30s
            "[a-z0-9\\-]+(\\.[a-z0-9\\-]+)+(:\\d{1,5})?", // a host name or IPv4 address, with a port
            "~?(/[\\w.\\-]+)+/?", // an absolute path (none of its segments a token, see looksLikeToken)
            // a URL without query or fragment, lower case, its userinfo already scrubbed (see UrlPasswords: a plain login or
            // "x", the password "x"); a user without a password may be a token; none of its path's segments a token
            "[a-z][a-z0-9+.\\-]*://([a-z0-9_.\\-]*:x@)?[a-z0-9.\\-]+(:\\d{1,5})?(/[a-z0-9_.\\-]*)*"));

    /** A login as people and tools name accounts: lower-case words joined by '.', '_' or '-', digits only at the end. */
    private static final Pattern LOGIN = Pattern.compile("([a-z]+([._\\-][a-z]+)*\\d{0,4})?");

    /** A UUID, or a run of 16 hex digits (64 bits and more: a hook's, a ping URL's or a session's identifier). */
    private static final Pattern HEX_ID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}");
    private static final Pattern NOT_ALNUM = Pattern.compile("[^A-Za-z0-9]+");
    private static final int LOWER = 0;
    private static final int UPPER = 1;
    private static final int DIGIT = 2;

    private PlainValue() {
    }

    /** Whether a key (or a name: DB_PASSWORD, "password" as a credential's type) names a secret. */
    static boolean namesSecret(String key) {
        return SECRET_KEY.matcher(key).matches() || hasSecretWord(key);
    }

    private static boolean hasSecretWord(String key) {
        String[] words = WORD_BREAK.split(key);
        for (int i = 0; i < words.length; i++) {
            String word = words[i].toLowerCase(Locale.ROOT);
            boolean classified = word.startsWith("code") && i > 0 && CLASSIFYING_WORDS.contains(words[i - 1].toLowerCase(Locale.ROOT));
            if (SECRET_WORDS.contains(word) && !classified) {
                return true;
            }
        }
        return false;
    }

    /** Whether a value may stay under its key (null or empty when it has none). */
    static boolean clears(String key, String value) {
        return (key == null || !namesSecret(key)) && SHAPE.matcher(value).matches() && !tokenInPath(value);
    }

    /**
     * Whether a URL's user may stay beside its password: empty, or a login no longer than 32 characters that does not
     * look like a token (app, debian-sys-maint, oauth2, x-access-token). A token given as the user, as in GitHub's
     * https://TOKEN:x-oauth-basic@github.com, is none: 40 hex digits, npm_3f7a..., kq3zv9xmp2...
     */
    static boolean plainLogin(String user) {
        return user.length() <= 32 && LOGIN.matcher(user).matches() && !looksLikeToken(user);
    }

    /** Whether a segment of the value's path (a URL's after its host, or an absolute path's) looks like a token. */
    private static boolean tokenInPath(String value) {
        int scheme = value.indexOf("://");
        int path = value.indexOf('/', scheme < 0 ? 0 : scheme + 3);
        if (path < 0) {
            return false;
        }
        for (String segment : value.substring(path + 1).split("/")) {
            if (looksLikeToken(segment)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A UUID or long hex; a run of 24 letters and digits; or 12 and more letters and digits (separators left out)
     * that change kind (lower case, upper case, digit) at least every fourth character, as random text does: kq3zv9xmp2w,
     * AbCdEf12GhIj. Names change kind rarely: openjdk-17.0.2_linux-x64, ubuntu2204, CamelCaseName (a capital then
     * lower case is a word's start, not a change).
     */
    private static boolean looksLikeToken(String segment) {
        if (HEX_ID.matcher(segment).find()) {
            return true;
        }
        String[] runs = NOT_ALNUM.split(segment);
        for (String run : runs) {
            if (run.length() >= 24) {
                return true;
            }
        }
        String alnum = String.join("", runs);
        int changes = 0;
        for (int i = 1; i < alnum.length(); i++) {
            int before = kind(alnum.charAt(i - 1));
            int now = kind(alnum.charAt(i));
            changes += before != now && !(before == UPPER && now == LOWER) ? 1 : 0;
        }
        return alnum.length() >= 12 && changes >= Math.max(4, alnum.length() / 4.0);
    }

    private static int kind(char c) {
        return Character.isDigit(c) ? DIGIT : Character.isUpperCase(c) ? UPPER : LOWER;
    }
}
