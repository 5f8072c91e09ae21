package offsite.notify;

import java.util.List;
import java.util.Locale;

/** Where and how the report is mailed: the SMTP server, its protection, the login (both or neither), sender and recipients. */
public record MailSettings(String host, int port, MailTls tls, String user, String password, String from, List<String> to) {

    public MailSettings {
        to = List.copyOf(to);
    }

    /** The recipients as one To header. */
    public String toHeader() {
        return String.join(", ", to);
    }

    @Override
    public String toString() {
        return "MailSettings[" + tls.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", from=" + from + ", to=" + to + "]";
    }
}
