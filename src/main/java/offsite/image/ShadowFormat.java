package offsite.image;

import java.util.regex.Pattern;

/**
 * /etc/shadow and /etc/gshadow (and their "-" backups): name:HASH:... records. The hash field becomes "x" unless it
 * holds no password (empty, "x", or only '!' and '*': none set, locked); a locked hash "!$6$..." is still a hash. The
 * other fields (names, dates, group members) stay; a line that is no record becomes "x".
 */
final class ShadowFormat implements SecretFormat.Lines {

    static final SecretFormat FORMAT = new SecretFormat("shadow", "g?shadow-?", ShadowFormat::new);

    private static final Pattern NO_PASSWORD = Pattern.compile("[!*]*|x");

    @Override
    public String scrub(String line) {
        if (line.isEmpty()) {
            return line;
        }
        String[] fields = line.split(":", -1);
        if (fields.length < 2) {
            return "x";
        }
        if (!NO_PASSWORD.matcher(fields[1]).matches()) {
            fields[1] = "x";
        }
        return String.join(":", fields);
    }
}
