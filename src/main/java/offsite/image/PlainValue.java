package offsite.image;

import java.util.regex.Pattern;

/**
 * Which values a format may keep in the base: those whose key names no secret and whose text has the shape of a
 * setting rather than of a credential. Anything else is replaced, so that a secret under a name no list foresaw
 * (DB_PASS, ROOTPW, a token in a URL's path) still never reaches the base.
 */
final class PlainValue {

    /** A key naming a secret, anywhere in it and in any case: db_password, ROOTPW, api-key, X-Auth-Token, psk. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(pass|pw|secret|token|auth|cred|key|salt|cookie|session|private|psk|hash|otp|sign).*");

    private static final Pattern SHAPE = Pattern.compile(String.join("|",
            "", // empty
            "[A-Za-z][A-Za-z_\\-]{0,23}", // a word without digits: true, info, production, WPA-PSK
            "[-+]?\\d{1,10}(\\.\\d{1,6})?[A-Za-z%]{0,3}", // a number, size or duration: 5432, 0.5, 512M, 30s
            "[a-z0-9\\-]+(\\.[a-z0-9\\-]+)+(:\\d{1,5})?", // a host name or IPv4 address, with a port
            "~?(/[\\w.\\-]+)+/?", // an absolute path
            // a URL without query or fragment, lower case, its password already "x"; a user without a password may be a token
            "[a-z][a-z0-9+.\\-]*://([a-z0-9_.\\-]*:x@)?[a-z0-9.\\-]+(:\\d{1,5})?(/[a-z0-9_.\\-]*)*"));

    private PlainValue() {
    }

    static boolean namesSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** Whether a value may stay under its key (null or empty when it has none). */
    static boolean clears(String key, String value) {
        return (key == null || !namesSecret(key)) && SHAPE.matcher(value).matches();
    }
}
