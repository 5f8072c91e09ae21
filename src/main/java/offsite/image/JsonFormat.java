package offsite.image;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * JSON, read line by line as tools write it (one line or indented): keys and punctuation stay; a string value
 * becomes "x" unless the format keeps plain values and {@link PlainValue} clears it under its key (an array's items
 * under the array's key); a number, true, false or null stays unless its key names a secret; anything else, or a
 * string left open at the line's end, becomes "x". Whatever a key above or a label beside a value says hides it too
 * (see {@link EntryScope}).
 */
final class JsonFormat implements SecretFormat.Lines {

    /** The Docker client's config.json: no string value stays (auth, identitytoken, registrytoken, credHelpers, credsStore). */
    static final SecretFormat DOCKER_CONFIG = new SecretFormat("Docker config.json", Pattern.compile("config\\.json"),
            Pattern.compile("\\.docker"), () -> new JsonFormat(false));

    /** The registry logins of podman, buildah and skopeo, in Docker's format: no string value stays. */
    static final SecretFormat CONTAINERS_AUTH = new SecretFormat("containers auth.json", Pattern.compile("auth\\.json"),
            Pattern.compile("containers"), () -> new JsonFormat(false));

    /** Any other *.json: a string value stays when {@link PlainValue} clears it under its key. */
    static final SecretFormat JSON = new SecretFormat("JSON", ".*\\.json", () -> new JsonFormat(true));

    private static final Pattern LITERAL = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|true|false|null");
    private static final String PUNCTUATION = "{}[],:";

    private final boolean keepsPlainValues;
    private final Deque<String> owners = new ArrayDeque<>(); // the key owning each open object or array, "" for none
    private final Deque<EntryScope> scopes = new ArrayDeque<>(List.of(EntryScope.top())); // each open object or array's, innermost first
    private String key = ""; // the key of the value that follows

    JsonFormat(boolean keepsPlainValues) {
        this.keepsPlainValues = keepsPlainValues;
    }

    @Override
    public String scrub(String line) {
        StringBuilder out = new StringBuilder(line.length());
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                int end = closingQuote(line, i);
                if (end < 0) {
                    return out.append("\"x").toString();
                }
                String text = line.substring(i + 1, end);
                int next = end + 1;
                while (next < line.length() && Character.isWhitespace(line.charAt(next))) {
                    next++;
                }
                if (next < line.length() && line.charAt(next) == ':') {
                    out.append('"').append(text).append('"');
                    key = text;
                } else {
                    String kept = UrlPasswords.scrub(text);
                    boolean stays = scopes.peek().keeps(valueKey(), kept, PlainValue::clears) && keepsPlainValues;
                    out.append('"').append(stays ? kept : "x").append('"');
                    key = "";
                }
                i = end + 1;
            } else if (c == '{' || c == '[') {
                scopes.push(c == '{' ? scopes.peek().object(valueKey()) : scopes.peek().array(valueKey()));
                owners.push(valueKey());
                key = "";
                out.append(c);
                i++;
            } else if (c == '}' || c == ']' || c == ',') {
                if (c != ',' && !owners.isEmpty()) {
                    owners.pop();
                    scopes.pop();
                }
                key = "";
                out.append(c);
                i++;
            } else if (Character.isWhitespace(c) || c == ':') {
                out.append(c);
                i++;
            } else {
                int end = i;
                while (end < line.length() && !Character.isWhitespace(line.charAt(end)) && PUNCTUATION.indexOf(line.charAt(end)) < 0
                        && line.charAt(end) != '"') {
                    end++;
                }
                String token = line.substring(i, end);
                out.append(scopes.peek().keeps(valueKey(), token, JsonFormat::clearsLiteral) ? token : "x");
                key = "";
                i = end;
            }
        }
        return out.toString();
    }

    /** Whether a number, true, false or null may stay under its key. */
    private static boolean clearsLiteral(String key, String token) {
        return LITERAL.matcher(token).matches() && !PlainValue.namesSecret(key);
    }

    /** A value's key: its own in an object, the array's in an array. */
    private String valueKey() {
        return key.isEmpty() && !owners.isEmpty() ? owners.peek() : key;
    }

    /** The index of the quote closing the string opened at start, or -1. */
    private static int closingQuote(String line, int start) {
        for (int i = start + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }
}
