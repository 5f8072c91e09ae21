package offsite.notify;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * The sockets of the mails being sent, made through the factories JavaMail is given (mail.smtp.socketFactory and
 * mail.smtp.ssl.socketFactory): a stop closes them, so an attempt waiting for a server that never answers ends at once
 * instead of after its 30 s timeout (docker stop kills after 10 s). A blocked read ends only when its socket is closed;
 * interrupting the thread does nothing. Once closed, every new socket is refused: no attempt starts during the stop.
 */
public final class MailSockets {

    /** A socket and the thread that made it: the mail's attempt runs in that thread (camel-mail sends synchronously). */
    private record Open(Socket socket, Thread attempt) {
    }

    private final List<Open> open = new ArrayList<>();
    /** The threads whose socket closeAll closed while it was open. */
    private final Set<Thread> cut = new HashSet<>();
    private boolean closed;

    /** For plain SMTP and STARTTLS (TLS is layered over this socket, and closing it ends both). */
    public SocketFactory plain() {
        return new Tracked(SocketFactory.getDefault());
    }

    /** For TLS from the first byte (port 465): the JVM's default TLS, so the certificate is checked as without it. */
    public SSLSocketFactory tls() {
        return new TrackedTls((SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** Closes every socket open and refuses new ones; returns how many were open. */
    public int closeAll() {
        List<Open> closing;
        synchronized (this) {
            closed = true;
            closing = new ArrayList<>(open);
            open.clear();
            closing.stream().filter(o -> !o.socket().isClosed()).forEach(o -> cut.add(o.attempt()));
        }
        int was = 0;
        for (Open o : closing) {
            if (!o.socket().isClosed()) {
                was++;
                try {
                    o.socket().close();
                } catch (IOException ignored) {
                    // closed is all we wanted
                }
            }
        }
        return was;
    }

    /**
     * Whether the stop closed a socket this thread had open: the mail attempt running in it was cut by the stop, whatever it
     * failed with (over TLS, a read on the closed socket ends as a bare end of stream: "bad greeting ... [EOF]", no
     * IOException to tell it by).
     */
    public synchronized boolean cutHere() {
        return cut.contains(Thread.currentThread());
    }

    /** Whether a stop closed the sockets: an attempt that fails from now on failed because of it. */
    public synchronized boolean closed() {
        return closed;
    }

    private synchronized <S extends Socket> S track(S socket) throws IOException {
        if (closed) {
            socket.close();
            throw new SocketException("Offsite is stopping: no mail is sent");
        }
        open.removeIf(o -> o.socket().isClosed()); // the mails sent before
        open.add(new Open(socket, Thread.currentThread()));
        return socket;
    }

    private final class Tracked extends SocketFactory {
        private final SocketFactory to;

        Tracked(SocketFactory to) {
            this.to = to;
        }

        @Override
        public Socket createSocket() throws IOException {
            return track(to.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return track(to.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return track(to.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return track(to.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return track(to.createSocket(host, port, local, localPort));
        }
    }

    private final class TrackedTls extends SSLSocketFactory {
        private final SSLSocketFactory to;

        TrackedTls(SSLSocketFactory to) {
            this.to = to;
        }

        @Override
        public Socket createSocket() throws IOException {
            return track(to.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return track(to.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return track(to.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return track(to.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return track(to.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return track(to.createSocket(host, port, local, localPort));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return to.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return to.getSupportedCipherSuites();
        }
    }
}
