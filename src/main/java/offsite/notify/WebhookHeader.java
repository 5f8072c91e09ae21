package offsite.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import offsite.config.SettingError;

/** One extra request header of the webhook; its value is a secret as often as not (Authorization: Bearer ...). */
public record WebhookHeader(String name, String value) {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Parses "Name: value; Name2: value2" (a value cannot hold ';'). Errors name the setting and the header, never a value. */
    public static List<WebhookHeader> parse(String setting, String text) {
        List<WebhookHeader> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int colon = part.indexOf(':');
            String name = colon < 0 ? part.trim() : part.substring(0, colon).trim();
            if (colon < 0 || !TOKEN.matcher(name).matches() || part.substring(colon + 1).isBlank()) {
                throw new SettingError(setting, colon < 0 ? "(a header without ':')" : name + ": (value hidden)",
                        "headers as \"Name: value; Name2: value2\", each name a plain word such as Authorization or X-Api-Key"
                                + " and each value non-empty");
            }
            out.add(new WebhookHeader(name, part.substring(colon + 1).trim()));
        }
        return out;
    }

    @Override
    public String toString() {
        return name + ": ***";
    }
}
