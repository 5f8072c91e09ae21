package offsite.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import offsite.config.SettingError;
import offsite.config.UrlLogin;

/**
 * Who may read the status page, the API, downloads, metrics and the detailed health: with offsite.http.user and
 * password set, a request with them (HTTP basic auth); without, a request naming this loopback server in its Host
 * header, so that a page from elsewhere whose name was rebound to 127.0.0.1 (DNS rebinding) is refused.
 */
public final class HttpAuth {

    private final byte[] expected;
    private final Set<String> hosts;

    /** user and password both null: no auth, and the Host header must name this server on loopback at port (checkBinding first). */
    public HttpAuth(String user, String password, String bindHost, int port) {
        this.expected = user == null && password == null ? null
                : ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
        Set<String> names = new LinkedHashSet<>(List.of("127.0.0.1", "localhost", "[::1]"));
        names.add(bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost.toLowerCase(Locale.ROOT));
        Set<String> allowed = new LinkedHashSet<>();
        for (String name : names) {
            allowed.add(name + ":" + port);
            if (port == 80) {
                allowed.add(name); // a browser leaves the default port out
            }
        }
        this.hosts = Collections.unmodifiableSet(allowed);
    }

    /** Whether a request with this Authorization header must be refused; the credentials compared in constant time. */
    public boolean denied(String authorization) {
        if (expected == null) {
            return false;
        }
        byte[] given = authorization == null ? new byte[0] : basic(authorization).getBytes(StandardCharsets.UTF_8);
        return !MessageDigest.isEqual(expected, given);
    }

    /** The header with its scheme spelled "Basic " as expected: the scheme's case and the blanks around it are free (RFC 7617, 9110). */
    private static String basic(String authorization) {
        String header = authorization.strip();
        int blank = header.indexOf(' ');
        return blank > 0 && header.substring(0, blank).equalsIgnoreCase("Basic") ? "Basic " + header.substring(blank + 1).strip() : header;
    }

    /**
     * Whether a request must be refused for the server it names: only without credentials, when its Host header (or,
     * over HTTP/2, which has none, the authority of its URL) is not this server on loopback.
     */
    public boolean hostRefused(String host, String url) {
        if (expected != null) {
            return false;
        }
        String named = host;
        if (named == null && url != null) {
            try {
                named = URI.create(url).getRawAuthority();
            } catch (IllegalArgumentException e) {
                named = null;
            }
        }
        return named == null || !hosts.contains(named.trim().toLowerCase(Locale.ROOT));
    }

    /** Why a request naming another host was refused, and the names this server answers to. */
    public String hostRefusal() {
        return "421 Misdirected Request: without offsite.http.user and offsite.http.password this server answers only to the Host "
                + String.join(", ", hosts) + " (a page elsewhere must not read it through a rebound name)\n";
    }

    /**
     * A user without a password (or the reverse) is a mistake, not "no auth"; an address other than loopback without
     * them is refused: the page shows keys and serves downloads. No message shows the password, nor a login written into
     * the host (admin:pw@0.0.0.0), which is refused first.
     */
    public static void checkBinding(String host, String user, String password) {
        String shown = UrlLogin.hidden(host);
        if (!shown.equals(host)) {
            throw new SettingError("offsite.http.host", shown, "an address of this machine, such as 127.0.0.1 or 0.0.0.0, without"
                    + " user:password@ (the page's login is offsite.http.user and offsite.http.password)");
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("offsite.http.user and offsite.http.password: only " + (user == null ? "offsite.http.password"
                    : "offsite.http.user") + " is set (expected both, for basic auth on every page, or neither, for loopback only)");
        }
        boolean loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
        if (!loopback && user == null) {
            throw new IllegalArgumentException("offsite.http.host: '" + host + "' is not a loopback address (expected 127.0.0.1,"
                    + " or set offsite.http.user and offsite.http.password to serve the status page on other addresses)");
        }
    }
}
