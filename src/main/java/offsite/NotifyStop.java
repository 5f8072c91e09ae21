package offsite;

import offsite.notify.MailSockets;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.hc.core5.io.CloseMode;

/**
 * A stop (SIGTERM) ends the notifications being sent: when Camel starts stopping, before it waits for the exchanges in
 * flight, the mails' sockets and the webhook's and heartbeat's connections are closed. An attempt waiting for a server
 * that accepted and never answers then fails at once instead of after its timeout (30 s, docker stop kills after 10 s),
 * Camel retries nothing while stopping, and the notification is recorded given up (routes/notify.yaml).
 */
public final class NotifyStop extends SimpleEventNotifierSupport {

    private final CamelContext camel;
    private final MailSockets mailSockets;

    public NotifyStop(CamelContext camel, MailSockets mailSockets) {
        this.camel = camel;
        this.mailSockets = mailSockets;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event.getType() == CamelEvent.Type.CamelContextStopping;
    }

    @Override
    public void notify(CamelEvent event) {
        mailSockets.closeAll();
        // routes/notify.yaml's http endpoints (the webhook, the heartbeat): IMMEDIATE closes the leased connections too
        for (Endpoint endpoint : camel.getEndpoints()) {
            if (endpoint instanceof HttpEndpoint http && http.getClientConnectionManager() != null) {
                http.getClientConnectionManager().close(CloseMode.IMMEDIATE);
            }
        }
    }
}
