package offsite.notify;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import offsite.config.SettingError;
import offsite.config.Settings;
import offsite.config.UrlLogin;

/**
 * The offsite.notify.* settings, checked together: a mail server (or none), a webhook URL with its headers (or none), the
 * mirror's heartbeat URL and the image backups' (or none), and how failed sends are retried. Errors never show a password,
 * header value or URL path.
 */
public record NotifySettings(NotifyWhen when, MailSettings mail, URI webhook, List<WebhookHeader> webhookHeaders, URI heartbeat,
        URI imageHeartbeat, int retries, Duration retryDelay) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]");
    private static final String URL_EXPECTED = "an http:// or https:// URL with a host and no user:password@"
            + " (put credentials in offsite.notify.webhook.headers)";

    public NotifySettings {
        webhookHeaders = List.copyOf(webhookHeaders);
    }

    public static NotifySettings from(Settings s) {
        NotifyWhen when = switch (s.text("offsite.notify.when").toLowerCase(Locale.ROOT)) {
            case "always" -> NotifyWhen.ALWAYS;
            case "problems" -> NotifyWhen.PROBLEMS;
            default -> throw new SettingError("offsite.notify.when", s.text("offsite.notify.when"), "always or problems");
        };
        URI webhook = url(s, "offsite.notify.webhook.url");
        List<WebhookHeader> headers = WebhookHeader.parse("offsite.notify.webhook.headers", s.optional("offsite.notify.webhook.headers"));
        if (webhook == null && !headers.isEmpty()) {
            throw new SettingError("offsite.notify.webhook.headers", "(set)", "empty while offsite.notify.webhook.url is empty");
        }
        return new NotifySettings(when, mail(s), webhook, headers, url(s, "offsite.notify.heartbeat-url"),
                url(s, "offsite.notify.image-heartbeat-url"), s.integer("offsite.notify.retries", 0, 10), s.positiveDuration("offsite.notify.retry-delay"));
    }

    /** Every value that must never be shown: for {@link Redaction}. */
    public List<String> secrets() {
        List<String> out = new ArrayList<>();
        if (mail != null && mail.password() != null) {
            out.add(mail.password());
        }
        webhookHeaders.forEach(h -> out.add(h.value()));
        for (URI u : new URI[] {webhook, heartbeat, imageHeartbeat}) {
            if (u != null) {
                // Redaction cuts any URL to its host; a path long enough to be a token (a ping id, a hook's key) is
                // masked wherever else it shows too
                if (u.getRawPath() != null && u.getRawPath().length() > 12) {
                    out.add(u.getRawPath().substring(1));
                }
            }
        }
        return out;
    }

    /** A heartbeat's failure URL: its path plus /fail, as healthchecks.io and its kin expect. */
    public static URI failure(URI heartbeat) {
        String path = heartbeat.getRawPath() == null ? "" : heartbeat.getRawPath().replaceAll("/+$", "");
        return URI.create(heartbeat.getScheme() + "://" + heartbeat.getRawAuthority() + path + "/fail"
                + (heartbeat.getRawQuery() == null ? "" : "?" + heartbeat.getRawQuery()));
    }

    private static MailSettings mail(Settings s) {
        String host = s.optional("offsite.notify.mail.host");
        if (host == null) {
            if (s.optional("offsite.notify.mail.to") != null) {
                throw new SettingError("offsite.notify.mail.host", "", "the SMTP server's host name while offsite.notify.mail.to is set");
            }
            return null;
        }
        if (!HOST.matcher(host).matches()) {
            throw new SettingError("offsite.notify.mail.host", UrlLogin.hidden(host), "a host name or address such as smtp.example.org,"
                    + " without scheme, login or port (the port is offsite.notify.mail.port, the login offsite.notify.mail.user and"
                    + " offsite.notify.mail.password)");
        }
        int port = s.integer("offsite.notify.mail.port", 1, 65535);
        MailTls tls = switch (s.text("offsite.notify.mail.tls").toLowerCase(Locale.ROOT)) {
            case "none" -> MailTls.NONE;
            case "starttls" -> MailTls.STARTTLS;
            case "tls" -> MailTls.TLS;
            default -> throw new SettingError("offsite.notify.mail.tls", s.text("offsite.notify.mail.tls"), "none, starttls or tls");
        };
        String user = s.optional("offsite.notify.mail.user");
        String password = s.optional("offsite.notify.mail.password");
        if (user == null && password != null) {
            throw new SettingError("offsite.notify.mail.user", "", "the login that goes with offsite.notify.mail.password");
        }
        if (user != null && password == null) {
            throw new SettingError("offsite.notify.mail.password", "", "the password that goes with offsite.notify.mail.user");
        }
        if (user != null && tls == MailTls.NONE && !loopback(host)) {
            throw new SettingError("offsite.notify.mail.tls", "none", "starttls or tls while offsite.notify.mail.user is set: over none"
                    + " the password would cross the network in clear (none is for a server on this machine)");
        }
        List<String> from = addresses(s, "offsite.notify.mail.from");
        if (from.size() != 1) {
            throw new SettingError("offsite.notify.mail.from", s.text("offsite.notify.mail.from"), "one sender address, such as"
                    + " offsite@example.org, while offsite.notify.mail.host is set");
        }
        List<String> to = addresses(s, "offsite.notify.mail.to");
        if (to.isEmpty()) {
            throw new SettingError("offsite.notify.mail.to", "", "at least one recipient address while offsite.notify.mail.host is set");
        }
        return new MailSettings(host, port, tls, user, password, from.get(0), to);
    }

    private static boolean loopback(String host) {
        return host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    /** Comma-separated mail addresses, each checked strictly (a name may go with one: Ops <ops@example.org>). */
    private static List<String> addresses(Settings s, String name) {
        String value = s.optional(name);
        if (value == null) {
            return List.of();
        }
        try {
            List<String> out = new ArrayList<>();
            for (InternetAddress a : InternetAddress.parse(value, true)) {
                a.validate();
                if (!a.getAddress().contains("@")) {
                    throw new AddressException("no @ in " + a.getAddress());
                }
                out.add(a.toUnicodeString());
            }
            return out;
        } catch (AddressException e) {
            throw new SettingError(name, value, "mail addresses such as ops@example.org, separated by commas");
        }
    }

    private static URI url(Settings s, String name) {
        String value = s.optional(name);
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new SettingError(name, Redaction.url(value), URL_EXPECTED);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new SettingError(name, Redaction.url(value), URL_EXPECTED);
        }
        return uri;
    }

    @Override
    public String toString() {
        return "NotifySettings[when=" + when + ", mail=" + mail + ", webhook=" + (webhook == null ? "none" : Redaction.url(webhook.toString()))
                + ", headers=" + webhookHeaders + ", heartbeat=" + (heartbeat == null ? "none" : Redaction.url(heartbeat.toString()))
                + ", imageHeartbeat=" + (imageHeartbeat == null ? "none" : Redaction.url(imageHeartbeat.toString()))
                + ", retries=" + retries + ", retryDelay=" + retryDelay + "]";
    }
}
