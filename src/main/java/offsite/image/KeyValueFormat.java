package offsite.image;

import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings as key=value, key: value, key = "value" or "key": "value", lines (.env, ini, conf, properties, YAML,
 * wpa_supplicant.conf, ...). Keys, section headers (an indented [ ... ] under a secret key is a YAML flow sequence: "x"), blank lines and structure ("{", "}", a value that only opens a
 * block: network={) stay; a line of base64 ending in "=" padding (letters of both cases or a digit: not
 * password=) is no key and becomes "x"; a value stays when the format's clearance allows it, after any URL password in it became
 * "x", and keeps its quotes and a trailing comma or semicolon; every other value, comment text and line becomes "x". What a
 * key above or a label beside a value says hides it too ({@link IndentScopes}, {@link EntryScope}), and a YAML list item
 * "- admin:letmein" (a colon with no space after it: one scalar, often user:password) becomes "- x".
 */
final class KeyValueFormat implements SecretFormat.Lines {

    private static final Pattern LINE = Pattern.compile(
            "(\\s*(?:-\\s+)?(?:export\\s+)?([\"']?)([\\w.\\-@/]+)\\2\\s*[:=]\\s*)(.*?)(\\s*[,;]?\\s*)");
    private static final Pattern SECTION = Pattern.compile("\\s*\\[\\[?[\\w .\\-\"']*]]?\\s*");
    private static final Pattern STRUCTURE = Pattern.compile("[\\s{}\\[\\](),;]*");
    private static final Pattern OPENS_BLOCK = Pattern.compile("[{\\[]|\\{}|\\[]");
    /** Base64 ending in its padding, as a YAML block scalar's last line holds it: it would parse as a key with "=" and no value. */
    private static final Pattern BASE64_END = Pattern.compile("\\s*[A-Za-z0-9+/]+={1,2}\\s*");
    private static final Pattern DIGIT_OR_BOTH_CASES = Pattern.compile(".*\\d.*|.*[a-z].*[A-Z].*|.*[A-Z].*[a-z].*");

    /** wpa_supplicant's settings whose values are no secret (names, modes, file paths); psk, password, private_key_passwd, wep_key0... are. */
    private static final Set<String> WPA_PLAIN_KEYS = Set.of("ctrl_interface", "ctrl_interface_group", "update_config", "country", "ap_scan",
            "fast_reauth", "ssid", "scan_ssid", "bssid", "key_mgmt", "proto", "pairwise", "group", "priority", "disabled", "id_str", "mode",
            "frequency", "auth_alg", "ieee80211w", "eap", "identity", "anonymous_identity", "phase1", "phase2", "ca_cert", "client_cert");

    /** Settings files by their usual names: a value stays when {@link PlainValue} clears it under its key. */
    static final SecretFormat SETTINGS = new SecretFormat("key=value settings",
            "\\.env|.*\\.env|\\.env\\..*|.*\\.(ini|conf|cnf|cfg|properties|ya?ml|toml|nmconnection)|\\.npmrc|\\.pypirc|\\.s3cfg|credentials",
            () -> new KeyValueFormat(PlainValue::clears));

    /** wpa_supplicant.conf and its per-interface copies: only the values of settings known to be no secret stay. */
    static final SecretFormat WPA_SUPPLICANT = new SecretFormat("wpa_supplicant.conf", "wpa_supplicant.*\\.conf",
            () -> new KeyValueFormat((key, value) -> WPA_PLAIN_KEYS.contains(key)));

    private final BiPredicate<String, String> clears;
    private final IndentScopes scopes = new IndentScopes();

    /** clears: whether a key's value (without its quotes, its URL passwords "x") may stay. */
    KeyValueFormat(BiPredicate<String, String> clears) {
        this.clears = clears;
    }

    @Override
    public String scrub(String line) {
        if (STRUCTURE.matcher(line).matches()) {
            return line;
        }
        if (SECTION.matcher(line).matches()) {
            if (IndentScopes.indent(line) == 0) {
                scopes.restart();
                return line;
            }
            return scopes.of(line).underSecret() ? "x" : line; // indented: a YAML flow sequence, ["hunter2"], may be a secret's value
        }
        String comment = CommentLine.scrub(line, "#;");
        if (comment != null) {
            return comment;
        }
        EntryScope scope = scopes.of(line);
        Matcher kv = LINE.matcher(line);
        if (!kv.matches() || BASE64_END.matcher(line).matches() && DIGIT_OR_BOTH_CASES.matcher(line).matches()) {
            return "x";
        }
        int itemContent = IndentScopes.listItemContent(line, IndentScopes.indent(line));
        if (itemContent >= 0 && kv.group(1).endsWith(":") && !kv.group(4).isEmpty()) {
            return line.substring(0, itemContent) + "x";
        }
        scopes.keyed(kv.group(3));
        String value = kv.group(4);
        String quote = value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')
                && value.charAt(value.length() - 1) == value.charAt(0) ? value.substring(0, 1) : "";
        String inner = value.substring(quote.length(), value.length() - quote.length());
        String kept = UrlPasswords.scrub(inner);
        if (!inner.isEmpty() && !OPENS_BLOCK.matcher(inner).matches() && !scope.keeps(kv.group(3), kept, clears)) {
            kept = "x";
        }
        return kv.group(1) + quote + kept + quote + kv.group(5);
    }
}
