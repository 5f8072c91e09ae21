package offsite.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Writes a secret file's base copy, line by line and streamed, every line keeping its place. A file whose name no
 * {@link SecretFormat} knows is replaced wholesale: each line that is not empty becomes "x". A known format keeps
 * what it clears and replaces every other value (see {@link #FORMATS}); in every known format also:
 * <ul>
 * <li>PEM and OpenPGP private key blocks (a line -----BEGIN ... PRIVATE KEY[ BLOCK]-----): the body becomes one line
 * "x"; a block never closed hides everything to the end of the file.</li>
 * <li>a configured rule (a regex with one group): on the line as its format scrubbed it, the text of the group becomes
 * "x", every match; a rule adds to the format and never removes from it. When a group the rule found in the line
 * as it was is still in the result (the format's "x" took the context the rule needs), the whole line becomes "x".</li>
 * <li>the password of every URL with userinfo (scheme://user:PW@host).</li>
 * <li>a line over 64 KiB (no configuration line is that long): the whole line becomes "x".</li>
 * </ul>
 * Text is read as ISO-8859-1 so that any other byte passes through unchanged.
 */
public final class PasswordScrubber {

    static final int MAX_LINE_BYTES = 64 * 1024;

    /** The known formats, the first that recognises a file's name wins: specific names before extensions. */
    static final List<SecretFormat> FORMATS = List.of(ShadowFormat.FORMAT, NetrcFormat.FORMAT, PgpassFormat.FORMAT, UrlListFormat.FORMAT,
            JsonFormat.DOCKER_CONFIG, JsonFormat.CONTAINERS_AUTH, KeyValueFormat.WPA_SUPPLICANT, PemFormat.FORMAT, JsonFormat.JSON,
            KeyValueFormat.SETTINGS);

    private static final Pattern PEM_BEGIN = Pattern.compile("\\s*-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----\\s*");
    private static final Pattern PEM_END = Pattern.compile("-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");
    private static final Pattern PEM_END_LINE = Pattern.compile("\\s*" + PEM_END.pattern() + "\\s*");

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

    /** The format of a secret file, by its name; empty when none knows it and the file is replaced wholesale. */
    static Optional<SecretFormat> formatOf(Path file) {
        return FORMATS.stream().filter(f -> f.recognises(file)).findFirst();
    }

    /** Copies a secret file's content from in to out, scrubbed as its name's format says; neither stream is closed. */
    public void scrub(Path file, InputStream in, OutputStream out) throws IOException {
        scrub(formatOf(file).orElse(null), in, out);
    }

    /** Copies in to out scrubbed in a format, or wholesale when format is null; neither stream is closed. */
    void scrub(SecretFormat format, InputStream in, OutputStream out) throws IOException {
        TextLines lines = new TextLines(new BufferedInputStream(in, 1 << 16), MAX_LINE_BYTES);
        SecretFormat.Lines formatLines = format == null ? null : format.lines().get();
        boolean inPrivateKey = false;
        for (TextLines.Line line; (line = lines.next()) != null; ) {
            String text;
            if (formatLines == null) {
                text = line.text().isEmpty() ? "" : "x";
            } else if (line.overlong()) {
                text = inPrivateKey ? null : "x";
            } else if (inPrivateKey) {
                inPrivateKey = !PEM_END.matcher(line.text()).find();
                text = inPrivateKey ? null : PEM_END_LINE.matcher(line.text()).matches() ? line.text() : "x";
            } else if (PEM_BEGIN.matcher(line.text()).matches()) {
                inPrivateKey = true;
                text = line.text() + (line.end().isEmpty() ? "\n" : line.end()) + "x";
            } else {
                text = UrlPasswords.scrub(ruled(line.text(), formatLines));
            }
            if (text != null) {
                out.write((text + line.end()).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    /** The line as the format scrubs it (every line goes through the format: some keep state), then every rule's groups replaced. */
    private String ruled(String line, SecretFormat.Lines format) {
        String out = format.scrub(line);
        for (Pattern rule : rules) {
            out = ruleLine(rule, out);
        }
        for (Pattern rule : rules) {
            for (Matcher m = rule.matcher(line); m.find(); ) {
                String group = m.group(1);
                if (group != null && !group.isEmpty() && !group.equals("x") && out.contains(group)) {
                    return "x";
                }
            }
        }
        return out;
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
