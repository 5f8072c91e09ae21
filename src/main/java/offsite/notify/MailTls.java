package offsite.notify;

import java.util.Properties;

/** How the connection to the mail server is protected; the server's certificate and name are checked in both TLS modes. */
public enum MailTls {
    /** Plain SMTP: for a relay on this machine or network. */
    NONE,
    /** Plain connect, then STARTTLS, required (no silent fallback to plain text). */
    STARTTLS,
    /** TLS from the first byte (SMTPS, port 465). */
    TLS;

    /** The JavaMail properties of this mode, for camel-mail's smtp endpoint (additionalJavaMailProperties). */
    public Properties javaMailProperties() {
        Properties p = new Properties();
        switch (this) {
            case STARTTLS -> {
                p.setProperty("mail.smtp.starttls.enable", "true");
                p.setProperty("mail.smtp.starttls.required", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                p.setProperty("mail.smtp.ssl.enable", "true");
                p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            default -> {
                // plain: nothing to add
            }
        }
        return p;
    }

    /** The same, with sockets made through sockets' factories, so that a stop can close them (MailSockets). */
    public Properties javaMailProperties(MailSockets sockets) {
        Properties p = javaMailProperties();
        // instances, not class names: JavaMail takes them only through put; STARTTLS layers TLS over the plain socket
        if (this == TLS) {
            p.put("mail.smtp.ssl.socketFactory", sockets.tls());
        } else {
            p.put("mail.smtp.socketFactory", sockets.plain());
        }
        // a factory that refuses (Offsite stopping) must not be replaced by a plain socket
        p.setProperty("mail.smtp.socketFactory.fallback", "false");
        return p;
    }
}
