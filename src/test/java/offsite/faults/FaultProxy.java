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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small HTTP/1.1 proxy on 127.0.0.1 between the app and S3Proxy that injects faults into matching requests:
 * an S3 error answer (500 InternalError, 503 SlowDown), a connection cut after some request body bytes, a hold,
 * or a cut of the ANSWER (after some of its body bytes, or inside its headers). Requests are framed by
 * Content-Length (Offsite sends no chunked bodies); answers by Content-Length, chunked coding or the close of
 * the connection. Everything else passes through.
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

    /**
     * The answers to the next count matching requests are cut: the status line and headers go through, then
     * this many bytes of the body as it travels (chunk framing included), then both connections close.
     */
    void cutAnswerAfter(Predicate<String> requestLine, int count, long bodyBytes) {
        matches = requestLine;
        answerCutAfter = bodyBytes;
        answerCutsLeft.set(count);
    }

    /**
     * The answers to the next count matching requests are cut inside their headers: the request reached the
     * server and was done there, but the app sees half a status line block, then a closed connection.
     */
    void cutAnswerHeaders(Predicate<String> requestLine, int count) {
        cutAnswerAfter(requestLine, count, HEADERS);
    }

    void passThrough() {
        errorsLeft.set(0);
        cutsLeft.set(0);
        delaysLeft.set(0);
        answerCutsLeft.set(0);
    }

    /** A cut of the answer inside its headers, not its body. */
    private static final long HEADERS = -1;
    private final AtomicInteger answerCutsLeft = new AtomicInteger();
    private volatile long answerCutAfter;

    /** What the answer reader must know of a request: whether its answer has a body, and whether to cut it. */
    private record Asked(String method, boolean cut, long cutAnswerAfter) {
        static final Asked END = new Asked("", false, 0);
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
            BlockingQueue<Asked> asked = new LinkedBlockingQueue<>();
            Thread answers = new Thread(() -> answer(upstream, client, asked), "fault-proxy-answers");
            answers.setDaemon(true);
            answers.start();
            try {
                forwardRequests(client, upstream, asked);
            } finally {
                asked.add(Asked.END);
            }
        } catch (IOException e) {
            // a closed connection ends this pair
        }
    }

    private void forwardRequests(Socket client, Socket upstream, BlockingQueue<Asked> asked) throws IOException {
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
            boolean cutAnswer = matches.test(requestLine) && answerCutsLeft.getAndDecrement() > 0;
            asked.add(new Asked(requestLine.substring(0, requestLine.indexOf(' ')), cutAnswer, answerCutAfter));
            boolean cut = matches.test(requestLine) && cutsLeft.getAndDecrement() > 0;
            out.write(head);
            long forward = cut ? Math.min(cutAfter, length) : length;
            transfer(in, out, forward);
            if (cut) {
                faultsInjected.incrementAndGet();
                return; // both sockets close mid-body
            }
        }
    }

    /** Forwards the answers of one connection in order, one per request (after any 1xx), cutting those asked to. */
    private void answer(Socket upstream, Socket client, BlockingQueue<Asked> asked) {
        try {
            InputStream in = upstream.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                Asked request = asked.take();
                if (request == Asked.END) {
                    in.transferTo(out); // whatever the server still says before it sees the close
                    return;
                }
                byte[] head = readHead(in);
                String text = head == null ? "" : new String(head, StandardCharsets.ISO_8859_1);
                while (text.startsWith("HTTP/1.1 1")) { // 100 Continue: the real answer follows
                    out.write(head);
                    out.flush();
                    head = readHead(in);
                    text = head == null ? "" : new String(head, StandardCharsets.ISO_8859_1);
                }
                if (head == null) {
                    return;
                }
                if (request.cut() && request.cutAnswerAfter() == HEADERS) {
                    faultsInjected.incrementAndGet();
                    out.write(head, 0, head.length / 2);
                    out.flush();
                    return; // both sockets close inside the headers
                }
                out.write(head);
                if (request.cut()) {
                    faultsInjected.incrementAndGet();
                    transfer(in, out, request.cutAnswerAfter());
                    return; // both sockets close mid-answer
                }
                String status = text.substring(9, 12);
                if (request.method().equals("HEAD") || status.equals("204") || status.equals("304")) {
                    out.flush();
                } else if (text.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
                    transferChunked(in, out);
                } else if (text.toLowerCase(Locale.ROOT).contains("\r\ncontent-length:")) {
                    transfer(in, out, contentLength(text));
                } else {
                    in.transferTo(out); // framed by the close
                    return;
                }
            }
        } catch (IOException e) {
            // one side closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static void transferChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = readLine(in);
            out.write(sizeLine.getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer = readLine(in); ; trailer = readLine(in)) {
                    out.write(trailer.getBytes(StandardCharsets.ISO_8859_1));
                    if (trailer.equals("\r\n")) {
                        out.flush();
                        return;
                    }
                }
            }
            transfer(in, out, size);
            out.write(readLine(in).getBytes(StandardCharsets.ISO_8859_1)); // the CRLF after the chunk
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            line.append((char) b);
            if (b == '\n') {
                return line.toString();
            }
        }
        throw new IOException("closed inside a chunked answer");
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

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
