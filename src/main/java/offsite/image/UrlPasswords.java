package offsite.image;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The password of every URL with userinfo in a text, wherever it stands (mysql://root:PW@db/app, redis://:PW@cache,
 * amqp://guest:PW@mq/vhost), becomes "x", and so does its user unless that is a plain login ({@link PlainValue#plainLogin}):
 * a token given as the user (https://TOKEN:x-oauth-basic@github.com, https://TOKEN:@host) gives https://x:x@github.com.
 * The scheme, host and path stay. The password runs to the authority's last "@", so one holding an unescaped "@" is
 * hidden whole.
 */
final class UrlPasswords {

    private static final Pattern USERINFO = Pattern.compile("(\\b[A-Za-z][A-Za-z0-9+.\\-]*://)([^\\s:/?#@\"'<>]*):[^\\s/?#\"'<>]*@");

    private UrlPasswords() {
    }

    static String scrub(String text) {
        return text.indexOf("://") < 0 ? text : USERINFO.matcher(text).replaceAll(url -> Matcher.quoteReplacement(
                url.group(1) + (PlainValue.plainLogin(url.group(2)) ? url.group(2) : "x") + ":x@"));
    }
}
