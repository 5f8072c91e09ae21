package offsite.image;

import java.util.regex.Pattern;

/**
 * The password of every URL with userinfo in a text, wherever it stands (mysql://root:PW@db/app, redis://:PW@cache,
 * amqp://guest:PW@mq/vhost), becomes "x"; the user, host and path stay. The password runs to the authority's last
 * "@", so one holding an unescaped "@" is hidden whole.
 */
final class UrlPasswords {

    private static final Pattern USERINFO = Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.\\-]*://[^\\s:/?#@\"'<>]*:)[^\\s/?#\"'<>]*@");

    private UrlPasswords() {
    }

    static String scrub(String text) {
        return text.indexOf("://") < 0 ? text : USERINFO.matcher(text).replaceAll("$1x@");
    }
}
