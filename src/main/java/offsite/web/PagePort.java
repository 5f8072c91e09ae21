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
 * The status page's address and port as settings: an address this machine does not have is refused before the server
 * is started (its bind would blame the port); a port the server could not listen on is refused with the reason the system
 * gives for it.
 */
public final class PagePort {

    private PagePort() {
    }

    /** Refuses, naming offsite.http.host, a name that does not resolve or an address that is not this machine's. */
    public static void requireOwnAddress(String host) {
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && NetworkInterface.getByInetAddress(address) == null) {
                throw new SettingError("offsite.http.host", host, "an address of this machine, such as 127.0.0.1 or 0.0.0.0");
            }
        } catch (UnknownHostException | SocketException e) {
            throw new SettingError("offsite.http.host", host, "an address of this machine, such as 127.0.0.1 or 0.0.0.0; " + e.getMessage());
        }
    }

    /** The refusal of a port the server did not get, with why a listening socket cannot have it now (Address already in use, ...). */
    public static SettingError notListening(String host, int port) {
        return new SettingError("offsite.http.port", String.valueOf(port), "a port free on " + host + "; " + whyNotFree(host, port));
    }

    private static String whyNotFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the server does: a connection of the last run in TIME_WAIT does not hold the port
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return "the server could not listen on it, although it is free now";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
