package offsite.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import offsite.config.SettingError;

/**
 * The status page's address, checked before the server is started: Camel's server binds aside, so a port another program
 * holds, or an address this machine does not have, would leave the process running without its page, a stack trace in the log.
 */
public final class PagePort {

    private PagePort() {
    }

    /** Refuses, naming the setting, an address that is not this machine's or a port that cannot be listened on now. */
    public static void requireFree(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
            if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && NetworkInterface.getByInetAddress(address) == null) {
                throw new SettingError("offsite.http.host", host, "an address of this machine, such as 127.0.0.1 or 0.0.0.0");
            }
        } catch (UnknownHostException | SocketException e) {
            throw new SettingError("offsite.http.host", host, "an address of this machine, such as 127.0.0.1 or 0.0.0.0; " + e.getMessage());
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the server does: a connection of the last run in TIME_WAIT does not hold the port
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new SettingError("offsite.http.port", String.valueOf(port), "a port free on " + host + "; " + e.getMessage());
        }
    }
}
