package offsite.web;

import io.vertx.core.Vertx;
import io.vertx.core.net.impl.TCPServerBase;
import java.net.BindException;
import org.apache.camel.CamelContext;
import org.apache.camel.VetoCamelContextStartException;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's server (Camel Main's platform-http server on Vert.x, camel.server.*) held to its bind: Camel only logs
 * a bind that failed (with Vert.x's stack trace) and starts the routes anyway, which left `run` going without its page
 * whenever another program had the port, even one that took it after a check of the port.
 */
public final class PageServer {

    private static final Logger LOG = LoggerFactory.getLogger(PageServer.class);

    private PageServer() {
    }

    /**
     * Stops Camel's start, before any route starts, when the server Camel Main set up did not get host:port (the values
     * camel.server.* take from offsite.http.*): the start fails with PagePort.notListening's SettingError, which the command
     * line prints as its one line; no server set up (camel.server.enabled=false): nothing to do. Call it while configuring.
     */
    public static void requireListening(CamelContext camel, String host, int port) throws Exception {
        VertxPlatformHttpServer server = camel.hasService(VertxPlatformHttpServer.class);
        if (server == null) {
            return;
        }
        // Camel's own Vert.x logs the failed bind as an unhandled exception with its stack trace; this one's handler does not
        Vertx vertx = Vertx.vertx();
        vertx.exceptionHandler(PageServer::unhandled);
        server.setVertx(vertx); // Camel closes only a Vert.x of its own: this one is closed once Camel has stopped
        camel.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event.getType() == CamelEvent.Type.CamelContextStopped) {
                    vertx.close();
                }
            }
        });
        // added after the server, so started after it has bound or failed to, and before the routes
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStart() throws Exception {
                if (!listening(server)) {
                    ServiceHelper.stopService(server);
                    vertx.close();
                    // a veto, not a failure: Camel logs a failure with its stack trace, a veto in one line
                    throw new VetoCamelContextStartException("the status page's server could not listen", PagePort.notListening(host, port),
                            camel, true);
                }
            }
        });
    }

    /**
     * Whether the bind succeeded: Vert.x 4 says so only on its server class (TCPServerBase.isListening, false once a bind
     * failed). Another class (a Vert.x upgrade) counts as listening rather than refusing every start; PageServerTest fails then.
     */
    private static boolean listening(VertxPlatformHttpServer server) {
        return !(server.getServer() instanceof TCPServerBase tcp) || tcp.isListening();
    }

    /** A failed bind is the start's refusal to report, with the setting; anything else is logged as Vert.x would. */
    private static void unhandled(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                LOG.debug("the status page's server could not listen: {}", c.getMessage());
                return;
            }
        }
        LOG.error("unhandled in the status page's server", t);
    }
}
