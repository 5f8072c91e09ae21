package offsite.image;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces password values in a secret file's text by "x", keeping every line's place: the hash field of
 * shadow-style lines (in files named *shadow), the value of key=value and key: value lines whose key names a
 * password, passphrase, secret, token or private key, the body of PEM private key blocks, and the group 1 of
 * each configured rule. Text is handled as ISO-8859-1 so that any bytes pass through unchanged.
 */
public final class PasswordScrubber {

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)^(\\s*(?:export\\s+)?[\\w.\\-]*(?:password|passwd|passphrase|secret|token|private[_.\\-]?key|api[_.\\-]?key)[\\w.\\-]*"
                    + "\\s*[:=]\\s*)([\"']?)(.+?)\\2(\\s*[,;]?\\s*)$");
    private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----");
    private static final Pattern PEM_END = Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY-----");

    private final List<Pattern> rules;

    /** rules: regular expressions whose group 1 is a secret value, from offsite.image.scrub-rules. */
    public PasswordScrubber(List<String> rules) {
        this.rules = new ArrayList<>();
        for (String rule : rules) {
            Pattern p = Pattern.compile(rule);
            if (p.matcher("").groupCount() < 1) {
                throw new IllegalArgumentException("offsite.image.scrub-rules: '" + rule + "' has no group (expected a regex whose group 1 is the value)");
            }
            this.rules.add(p);
        }
    }

    public byte[] scrub(String fileName, byte[] content) {
        String text = new String(content, java.nio.charset.StandardCharsets.ISO_8859_1);
        boolean shadow = fileName.endsWith("shadow") || fileName.endsWith("shadow-");
        StringBuilder out = new StringBuilder(text.length());
        boolean inPem = false;
        for (String line : text.split("(?<=\n)", -1)) {
            String eol = line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
            String body = line.substring(0, line.length() - eol.length());
            if (inPem) {
                if (PEM_END.matcher(body).find()) {
                    inPem = false;
                    out.append(body).append(eol);
                }
                continue;
            }
            if (PEM_BEGIN.matcher(body).find()) {
                inPem = true;
                out.append(body).append(eol).append("x").append(eol.isEmpty() ? "\n" : eol);
                continue;
            }
            out.append(scrubLine(body, shadow)).append(eol);
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    String scrubLine(String line, boolean shadow) {
        if (shadow) {
            String[] fields = line.split(":", -1);
            if (fields.length >= 3 && !fields[1].isEmpty() && !fields[1].matches("[*!]+|x")) {
                fields[1] = "x";
                return String.join(":", fields);
            }
            return line;
        }
        Matcher kv = KEY_VALUE.matcher(line);
        if (kv.matches() && !kv.group(3).equals("x")) {
            line = kv.group(1) + kv.group(2) + "x" + kv.group(2) + kv.group(4);
        }
        for (Pattern rule : rules) {
            Matcher m = rule.matcher(line);
            StringBuilder sb = new StringBuilder();
            int last = 0;
            while (m.find()) {
                sb.append(line, last, m.start(1)).append('x');
                last = m.end(1);
            }
            line = sb.append(line.substring(last)).toString();
        }
        return line;
    }
}
