package offsite.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A real TCP server on 127.0.0.1 that accepts every connection and never answers nor closes it until closed itself: a
 * mail server or webhook that hangs. Connections made before close() are then reset. {@link #afterTlsHandshake} speaks TLS
 * from the first byte (a mail server on port 465): it completes each handshake, then hangs.
 */
public final class HangingServer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new ArrayList<>();

    public HangingServer() throws IOException {
        this(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** Counts a connection once its TLS handshake is done, with the certificate of tls. */
    public static HangingServer afterTlsHandshake(SSLContext tls) throws IOException {
        return new HangingServer(tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    private HangingServer(ServerSocket listening) {
        server = listening;
        Thread accepting = new Thread(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    if (s instanceof SSLSocket tls) {
                        try {
                            tls.startHandshake();
                        } catch (IOException failed) {
                            s.close(); // the client gave up or refused the certificate: not held
                            continue;
                        }
                    }
                    synchronized (this) {
                        held.add(s);
                        notifyAll();
                    }
                }
            } catch (IOException closed) {
                // close() ends the loop
            }
        }, "hanging-server");
        accepting.setDaemon(true);
        accepting.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Waits up to the timeout until at least n connections were accepted; returns how many were. */
    public synchronized int awaitAccepted(int n, long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (held.size() < n && System.nanoTime() < end) {
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, end - System.nanoTime()));
        }
        return held.size();
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
