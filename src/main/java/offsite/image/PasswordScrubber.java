package offsite.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Replaces password values in a secret file by "x", line by line and streamed, keeping every line's place:
 * <ul>
 * <li>shadow-style files (named shadow, gshadow, shadow-, gshadow-): the second field of name:HASH:... lines.
 * Empty, "x", and values made only of '!' and '*' (no password, locked) stay, since they hold no secret; any
 * other value, a locked hash "!$6$..." included, becomes "x".</li>
 * <li>key=value, key: value, key = "value", "key": "value" lines whose key names a password, passwd, passphrase,
 * secret, token, api key or private key (any case, inside a longer key too: db_password, API_TOKEN,
 * client-secret): the value, keeping its quotes and a trailing comma or semicolon.</li>
 * <li>PEM and OpenPGP private key blocks (-----BEGIN ... PRIVATE KEY[ BLOCK]-----): the body becomes one line "x";
 * a block never closed hides everything to the end of the file.</li>
 * <li>each configured rule, a regex with one group: the text of the group becomes "x", every match on a line.</li>
 * <li>a line over 64 KiB (no configuration line is that long): the whole line becomes "x".</li>
 * </ul>
 * Text is read as ISO-8859-1 so that any other byte passes through unchanged.
 */
public final class PasswordScrubber {

    static final int MAX_LINE_BYTES = 64 * 1024;

    private static final Pattern KEY_VALUE = Pattern.compile("(?i)^(\\s*(?:export\\s+)?([\"']?)[\\w.\\-]*"
            + "(?:password|passwd|passphrase|secret|token|private[_.\\-]?key|api[_.\\-]?key)[\\w.\\-]*\\2\\s*[:=]\\s*)"
            + "([\"']?)(.+?)\\3(\\s*[,;]?\\s*)$");
    private static final Pattern PEM_BEGIN = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");
    private static final Pattern PEM_END = Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");
    private static final Pattern NO_PASSWORD = Pattern.compile("[!*]*|x");

    private final List<Pattern> rules;

    /** rules: regular expressions whose group 1 is a secret value (offsite.image.scrub-rules). */
    public PasswordScrubber(List<String> rules) {
        this.rules = rules.stream().map(PasswordScrubber::rule).toList();
    }

    private static Pattern rule(String rule) {
        Pattern p;
        try {
            p = Pattern.compile(rule);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("offsite.image.scrub-rules: '" + rule + "' is not a regular expression (" + e.getDescription() + ")");
        }
        if (p.matcher("").groupCount() != 1) {
            throw new IllegalArgumentException("offsite.image.scrub-rules: '" + rule
                    + "' has " + p.matcher("").groupCount() + " groups (expected exactly one, around the secret value)");
        }
        return p;
    }

    /** Whether the file's lines are name:HASH:... records, by its name. */
    public static boolean shadowStyle(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return name.matches("g?shadow-?");
    }

    /** Copies in to out with every password value replaced; neither stream is closed. */
    public void scrub(InputStream in, OutputStream out, boolean shadow) throws IOException {
        TextLines lines = new TextLines(new BufferedInputStream(in, 1 << 16), MAX_LINE_BYTES);
        boolean inPrivateKey = false;
        for (TextLines.Line line; (line = lines.next()) != null; ) {
            String text;
            if (line.overlong()) {
                text = inPrivateKey ? null : "x";
            } else if (inPrivateKey) {
                inPrivateKey = !PEM_END.matcher(line.text()).find();
                text = inPrivateKey ? null : line.text();
            } else if (PEM_BEGIN.matcher(line.text()).find()) {
                inPrivateKey = true;
                text = line.text() + (line.end().isEmpty() ? "\n" : line.end()) + "x";
            } else {
                text = scrubLine(line.text(), shadow);
            }
            if (text != null) {
                out.write((text + line.end()).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** One line without its end, scrubbed. */
    public String scrubLine(String line, boolean shadow) {
        String out = shadow ? shadowLine(line) : keyValueLine(line);
        for (Pattern rule : rules) {
            out = ruleLine(rule, out);
        }
        return out;
    }

    private static String shadowLine(String line) {
        String[] fields = line.split(":", -1);
        if (fields.length < 2 || NO_PASSWORD.matcher(fields[1]).matches()) {
            return line;
        }
        fields[1] = "x";
        return String.join(":", fields);
    }

    private static String keyValueLine(String line) {
        Matcher kv = KEY_VALUE.matcher(line);
        if (!kv.matches() || kv.group(4).equals("x")) {
            return line;
        }
        return kv.group(1) + kv.group(3) + "x" + kv.group(3) + kv.group(5);
    }

    private static String ruleLine(Pattern rule, String line) {
        Matcher m = rule.matcher(line);
        StringBuilder out = new StringBuilder(line.length());
        int last = 0;
        while (m.find()) {
            if (m.start(1) >= 0) {
                out.append(line, last, m.start(1)).append('x');
                last = m.end(1);
            }
        }
        return out.append(line, last, line.length()).toString();
    }
}
