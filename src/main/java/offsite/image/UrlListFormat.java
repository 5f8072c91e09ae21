package offsite.image;

import java.util.regex.Pattern;

/**
 * Git's credential store (.git-credentials, git-credentials): one URL a line, https://user:TOKEN@host. The password
 * becomes "x", and so does a user without a password or one that is no plain login (a token given as the user name,
 * https://TOKEN:x-oauth-basic@github.com); a line that is no plain URL then becomes "x" whole.
 */
final class UrlListFormat implements SecretFormat.Lines {

    static final SecretFormat FORMAT = new SecretFormat(".git-credentials", "\\.?git-credentials", UrlListFormat::new);

    private static final Pattern USER_ONLY = Pattern.compile("(://)[^\\s:/?#@]+@");

    @Override
    public String scrub(String line) {
        if (line.isBlank()) {
            return line;
        }
        String url = USER_ONLY.matcher(UrlPasswords.scrub(line.strip())).replaceAll("$1x:x@");
        return PlainValue.clears(null, url) ? url : "x";
    }
}
