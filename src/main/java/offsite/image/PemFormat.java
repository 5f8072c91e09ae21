package offsite.image;

import java.util.regex.Pattern;

/**
 * PEM and ASCII-armored files (*.pem, *.key, *.crt, *.asc, OpenSSH's id_* and ssh_host_*_key): private key blocks are
 * hidden by {@link PasswordScrubber} before a line reaches this format; the BEGIN and END lines of other blocks
 * (certificates, public keys) and their base64 lines stay; headers, text outside a block and anything else become
 * "x".
 */
final class PemFormat implements SecretFormat.Lines {

    static final SecretFormat FORMAT = new SecretFormat("PEM",
            ".*\\.(pem|key|crt|cer|asc)|id_(rsa|dsa|ecdsa|ed25519)(_sk)?|ssh_host_\\w+_key", PemFormat::new);

    private static final Pattern BEGIN = Pattern.compile("\\s*-----BEGIN [A-Z0-9 ]+-----\\s*");
    private static final Pattern END = Pattern.compile("\\s*-----END [A-Z0-9 ]+-----\\s*");
    private static final Pattern BASE64 = Pattern.compile("\\s*=?[A-Za-z0-9+/]*=*\\s*");

    private boolean inBlock;

    @Override
    public String scrub(String line) {
        if (BEGIN.matcher(line).matches() || END.matcher(line).matches()) {
            inBlock = BEGIN.matcher(line).matches();
            return line;
        }
        return line.isBlank() || inBlock && BASE64.matcher(line).matches() ? line : "x";
    }
}
