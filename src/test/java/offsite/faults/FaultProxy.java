package offsite.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 proxy on 127.0.0.1 between the app and S3Proxy that injects faults into matching requests:
 * an S3 error answer (500 InternalError, 503 SlowDown) or a connection cut after some body bytes. Requests are
 * framed by Content-Length (Offsite sends no chunked bodies); everything else passes through.
 */
final class FaultProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private volatile Predicate<String> matches = line -> false;
    private final AtomicInteger errorsLeft = new AtomicInteger();
    private volatile int errorStatus;
    private volatile String errorCode;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile long cutAfter;
    final AtomicLong faultsInjected = new AtomicLong();

    FaultProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "fault-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next count requests whose request line matches get this S3 error. */
    void answerWithError(Predicate<String> requestLine, int count, int status, String code) {
        matches = requestLine;
        errorStatus = status;
        errorCode = code;
        errorsLeft.set(count);
    }

    /** The next count matching requests are cut after this many body bytes. */
    void cutAfter(Predicate<String> requestLine, int count, long bytes) {
        matches = requestLine;
        cutAfter = bytes;
        cutsLeft.set(count);
    }

    /** The next count matching requests are held this long before they go on (a slow store). */
    void delay(Predicate<String> requestLine, int count, long millis) {
        matches = requestLine;
        delayMillis = millis;
        delaysLeft.set(count);
    }

    void passThrough() {
        errorsLeft.set(0);
        cutsLeft.set(0);
        delaysLeft.set(0);
    }

    private final AtomicInteger delaysLeft = new AtomicInteger();
    private volatile long delayMillis;

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target)) {
            Thread answers = new Thread(() -> copy(upstream, client), "fault-proxy-answers");
            answers.setDaemon(true);
            answers.start();
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String requestLine = text.substring(0, text.indexOf("\r\n"));
                long length = contentLength(text);
                if (matches.test(requestLine) && errorsLeft.getAndDecrement() > 0) {
                    faultsInjected.incrementAndGet();
                    in.skipNBytes(length);
                    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + errorCode + "</Code><Message>injected</Message></Error>";
                    String answer = "HTTP/1.1 " + errorStatus + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
                            + body.length() + "\r\nConnection: close\r\n\r\n" + body;
                    client.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                    return;
                }
                if (matches.test(requestLine) && delaysLeft.getAndDecrement() > 0) {
                    faultsInjected.incrementAndGet();
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                boolean cut = matches.test(requestLine) && cutsLeft.getAndDecrement() > 0;
                out.write(head);
                long forward = cut ? Math.min(cutAfter, length) : length;
                transfer(in, out, forward);
                if (cut) {
                    faultsInjected.incrementAndGet();
                    return; // both sockets close mid-body
                }
            }
        } catch (IOException e) {
            // a closed connection ends this pair
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring(15).trim());
            }
        }
        return 0;
    }

    private static void transfer(InputStream in, OutputStream out, long bytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        while (bytes > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes));
            if (n < 0) {
                return;
            }
            out.write(buffer, 0, n);
            bytes -= n;
        }
        out.flush();
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
