package offsite.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/** HTTP basic auth for every page, API and download when offsite.http.user and password are set. */
public final class HttpAuth {

    private final byte[] expected;

    /** No user: no auth. */
    public HttpAuth(String user, String password) {
        this.expected = user == null || password == null ? null
                : ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a request with this Authorization header must be refused; compared in constant time. */
    public boolean denied(String authorization) {
        if (expected == null) {
            return false;
        }
        byte[] given = authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
        return !MessageDigest.isEqual(expected, given);
    }

    /** Refuses an address other than loopback without credentials: the page shows keys and serves downloads. */
    public static void checkBinding(String host, String user, String password) {
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
        if (!loopback && (user == null || password == null)) {
            throw new IllegalArgumentException("offsite.http.host: '" + host + "' is not a loopback address (expected 127.0.0.1,"
                    + " or set offsite.http.user and offsite.http.password to serve the status page on other addresses)");
        }
    }
}
