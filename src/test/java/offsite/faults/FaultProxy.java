package offsite.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small HTTP/1.1 proxy on 127.0.0.1 between the app and S3Proxy that injects faults into matching requests:
 * an S3 error answer (500 InternalError, 503 SlowDown), a connection cut after some request body bytes, a hold,
 * or a cut of the ANSWER (after some of its body bytes, or inside its headers). Requests are framed by
 * Content-Length (Offsite sends no chunked bodies); answers by Content-Length, chunked coding or the close of
 * the connection. Everything else passes through.
 *
 * <p>Besides these one-off faults it keeps standing rules, for a proxy that plays a whole service: requests it
 * refuses every time (an optional operation the service does not offer), requests whose first attempt it answers
 * 503 SlowDown with Retry-After or cuts mid-answer, listings it answers in pages shorter than asked, and listings whose
 * first page it sends again.
 */
public final class FaultProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private volatile Predicate<String> matches = line -> false;
    private final AtomicInteger errorsLeft = new AtomicInteger();
    private volatile int errorStatus;
    private volatile String errorCode;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile long cutAfter;
    public final AtomicLong faultsInjected = new AtomicLong();

    public FaultProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "fault-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next count requests whose request line matches get this S3 error. */
    public void answerWithError(Predicate<String> requestLine, int count, int status, String code) {
        matches = requestLine;
        errorStatus = status;
        errorCode = code;
        errorsLeft.set(count);
    }

    /** The next count matching requests are cut after this many body bytes. */
    public void cutAfter(Predicate<String> requestLine, int count, long bytes) {
        matches = requestLine;
        cutAfter = bytes;
        cutsLeft.set(count);
    }

    /** The next count matching requests are held this long before they go on (a slow store). */
    public void delay(Predicate<String> requestLine, int count, long millis) {
        matches = requestLine;
        delayMillis = millis;
        delaysLeft.set(count);
    }

    /**
     * The answers to the next count matching requests are cut: the status line and headers go through, then
     * this many bytes of the body as it travels (chunk framing included), then both connections close.
     */
    public void cutAnswerAfter(Predicate<String> requestLine, int count, long bodyBytes) {
        matches = requestLine;
        answerCutAfter = bodyBytes;
        answerCutsLeft.set(count);
    }

    /**
     * The answers to the next count matching requests are cut inside their headers: the request reached the
     * server and was done there, but the app sees half a status line block, then a closed connection.
     */
    public void cutAnswerHeaders(Predicate<String> requestLine, int count) {
        cutAnswerAfter(requestLine, count, HEADERS);
    }

    /**
     * The next count matching requests stall: this many bytes of their body reach the proxy, then it reads no more and
     * answers nothing, holding the connection open, as a hung server or proxy does; the request never reaches the server.
     */
    public void stallAfter(Predicate<String> requestLine, int count, long bytes) {
        matches = requestLine;
        stallAfter = bytes;
        stallsLeft.set(count);
    }

    private final AtomicInteger stallsLeft = new AtomicInteger();
    private volatile long stallAfter;

    public void passThrough() {
        stallsLeft.set(0);
        errorsLeft.set(0);
        cutsLeft.set(0);
        delaysLeft.set(0);
        answerCutsLeft.set(0);
        refusals.clear();
        dropped.clear();
        firstAttempts.clear();
        pageSize = 0;
        damagesLeft.set(0);
        repeatedPages = null;
        bucketRegion = null;
    }

    /** A request as it reached the proxy: method, path and query as sent (URL-encoded), headers by lower-case name. */
    public record Request(String method, String path, String query, Map<String, String> headers) {

        /** Whether the query has this parameter (with or without a value). */
        public boolean hasParameter(String name) {
            for (String p : query.split("&")) {
                if (p.equals(name) || p.startsWith(name + "=")) {
                    return true;
                }
            }
            return false;
        }

        public boolean hasHeader(String name) {
            return headers.containsKey(name.toLowerCase(Locale.ROOT));
        }

        /** Whether the path names a bucket only, not an object in it (path-style addressing). */
        public boolean bucketOnly() {
            return path.indexOf('/', 1) < 0 || path.indexOf('/', 1) == path.length() - 1;
        }

        String line() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query);
        }
    }

    /**
     * Every matching request from now on is read whole and its connection closed without a byte of answer, as a server
     * that stopped or died under it does: the client sees no answer at all.
     */
    public void dropWithoutAnswer(Predicate<Request> which) {
        dropped.add(which);
    }

    private final List<Predicate<Request>> dropped = new CopyOnWriteArrayList<>();

    /** Every matching request from now on is answered with this S3 error: an operation the service does not offer. */
    public void refuse(Predicate<Request> which, int status, String code) {
        refusals.add(new Refusal(which, status, code));
    }

    /**
     * The first attempt of every n-th distinct matching request (by method, path and query) is answered 503 SlowDown
     * with Retry-After; its retries pass.
     */
    public void slowDownFirstAttempts(Predicate<Request> which, int every, int retryAfterSeconds) {
        firstAttempts.add(new FirstAttempt(which, every, retryAfterSeconds, -1));
    }

    /** The answer to the first attempt of every n-th distinct matching request is cut after this many body bytes. */
    public void cutFirstAnswers(Predicate<Request> which, int every, long bodyBytes) {
        firstAttempts.add(new FirstAttempt(which, every, 0, bodyBytes));
    }

    /**
     * Every ETag in an answer is replaced by an opaque one, the same for the same object every time, as SSE-KMS or SSE-C
     * make them ({@link OpaqueEtags}); the part ETags of a CompleteMultipartUpload are given back their real values on the
     * way in. The rewritten request body breaks a signed payload: the server behind must accept requests without
     * authentication.
     */
    public void opaqueEtags() {
        opaqueEtags = true;
    }

    /**
     * The next count matching requests have one byte of their body changed on the way (at its middle), as a network
     * fault the TCP checksum missed: a server that checks Content-MD5 refuses them with 400 BadDigest.
     */
    public void damageBodies(Predicate<Request> which, int count) {
        damaged = which;
        damagesLeft.set(count);
    }

    /** Requests whose body was damaged so far. */
    public int bodiesDamaged() {
        return bodiesDamaged.get();
    }

    /**
     * The first page of every listing comes again in its second page, keys and folders ({@link RepeatedPages}); with
     * shortenPages, a listing of a few keys has its pages. The rewritten answer has a Content-Length of its own.
     */
    public void repeatFirstPages() {
        repeatedPages = new RepeatedPages();
    }

    /**
     * The Date header of every answer is moved by this much, as a service whose clock and the host's disagree (the
     * requests' signatures are the host's own and still pass).
     */
    public void serviceClockOff(Duration by) {
        dateShift = by;
    }

    /** Every request from now on is answered as AWS answers one for a bucket in this region, not the one signed for. */
    public void bucketInRegion(String region) {
        bucketRegion = region;
    }

    private volatile String bucketRegion;
    private volatile Duration dateShift = Duration.ZERO;
    private volatile boolean opaqueEtags;
    private volatile RepeatedPages repeatedPages;
    private volatile Predicate<Request> damaged = r -> false;
    private final AtomicInteger damagesLeft = new AtomicInteger();
    private final AtomicInteger bodiesDamaged = new AtomicInteger();

    /**
     * Listings (ListObjectsV2, ListParts) are asked for at most this many entries a page, as a
     * service that answers fewer than asked and marks the page truncated. The rewritten query breaks a request's
     * signature: the server behind must accept requests without authentication.
     */
    public void shortenPages(int entries) {
        pageSize = entries;
    }

    private record Refusal(Predicate<Request> which, int status, String code) {
    }

    /** A rule on first attempts: a 503 with Retry-After (cutAfter negative) or an answer cut after cutAfter body bytes. */
    private record FirstAttempt(Predicate<Request> which, int every, int retryAfter, long cutAfter) {
    }

    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final List<FirstAttempt> firstAttempts = new CopyOnWriteArrayList<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger distinct = new AtomicInteger();
    private volatile int pageSize;

    /** A cut of the answer inside its headers, not its body. */
    private static final long HEADERS = -1;
    private final AtomicInteger answerCutsLeft = new AtomicInteger();
    private volatile long answerCutAfter;

    /** What the answer reader must know of a request: whether its answer has a body, and whether to cut it. */
    private record Asked(String method, boolean cut, long cutAnswerAfter, Request request) {
        static final Asked END = new Asked("", false, 0, null);
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
            Request request = request(text);
            String otherRegion = bucketRegion;
            if (otherRegion != null) {
                redirectToRegion(client, in, request, length, otherRegion);
                return;
            }
            for (Predicate<Request> d : dropped) {
                if (d.test(request)) {
                    faultsInjected.incrementAndGet();
                    in.skipNBytes(length); // read whole, so the close is a clean end and not a reset
                    return;
                }
            }
            for (Refusal r : refusals) {
                if (r.which().test(request)) {
                    refuseWith(client, in, request, length, r.status(), r.code(), null);
                    return;
                }
            }
            FirstAttempt first = firstAttempt(request);
            if (first != null && first.cutAfter() < 0) {
                refuseWith(client, in, request, length, 503, "SlowDown", first.retryAfter());
                return;
            }
            if (matches.test(requestLine) && errorsLeft.getAndDecrement() > 0) {
                refuseWith(client, in, request, length, errorStatus, errorCode, null);
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
            if (matches.test(requestLine) && stallsLeft.getAndDecrement() > 0) {
                faultsInjected.incrementAndGet();
                in.skipNBytes(Math.min(stallAfter, length));
                while (!server.isClosed()) { // nothing more read: the sender's buffers fill and its writes block
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                return;
            }
            boolean cutAnswer = matches.test(requestLine) && answerCutsLeft.getAndDecrement() > 0;
            if (first != null) {
                asked.add(new Asked(request.method(), true, first.cutAfter(), request));
            } else {
                asked.add(new Asked(request.method(), cutAnswer, answerCutAfter, request));
            }
            if (opaqueEtags && OpaqueEtags.inRequestBody(request)) {
                byte[] body = OpaqueEtags.body(in.readNBytes((int) length), request);
                out.write(OpaqueEtags.withLength(shortened(head, request), body.length));
                out.write(body);
                out.flush();
                continue;
            }
            boolean cut = matches.test(requestLine) && cutsLeft.getAndDecrement() > 0;
            out.write(shortened(head, request));
            long forward = cut ? Math.min(cutAfter, length) : length;
            if (!cut && length > 0 && damaged.test(request) && damagesLeft.getAndDecrement() > 0) {
                transfer(in, out, length / 2);
                out.write(in.read() ^ 0x55);
                bodiesDamaged.incrementAndGet();
                forward = length - length / 2 - 1;
            }
            transfer(in, out, forward);
            if (cut) {
                faultsInjected.incrementAndGet();
                return; // both sockets close mid-body
            }
        }
    }

    /**
     * Answers as AWS does a request for a bucket in another region than the one signed for: 301 with the bucket's region
     * in x-amz-bucket-region, and for all but a HEAD the PermanentRedirect error naming the endpoint to use.
     */
    private void redirectToRegion(Socket client, InputStream in, Request request, long length, String region) throws IOException {
        faultsInjected.incrementAndGet();
        if (!"100-continue".equalsIgnoreCase(request.headers().getOrDefault("expect", ""))) {
            in.skipNBytes(length);
        }
        String body = request.method().equals("HEAD") ? "" : "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PermanentRedirect</Code>"
                + "<Message>The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future"
                + " requests to this endpoint.</Message><Endpoint>s3." + region + ".amazonaws.com</Endpoint></Error>";
        String answer = "HTTP/1.1 301 Moved Permanently\r\nx-amz-bucket-region: " + region + "\r\nContent-Type: application/xml\r\n"
                + (request.method().equals("HEAD") ? "" : "Content-Length: " + body.length() + "\r\n") + "Connection: close\r\n\r\n" + body;
        client.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
    }

    /** Answers the request with an S3 error and closes the connection; a body the client holds back for 100-continue is never asked for. */
    private void refuseWith(Socket client, InputStream in, Request request, long length, int status, String code, Integer retryAfter)
            throws IOException {
        faultsInjected.incrementAndGet();
        if (!"100-continue".equalsIgnoreCase(request.headers().getOrDefault("expect", ""))) {
            in.skipNBytes(length);
        }
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>injected</Message></Error>";
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plus(dateShift));
        String answer = "HTTP/1.1 " + status + " Injected\r\nDate: " + date + "\r\nContent-Type: application/xml\r\nContent-Length: " + body.length()
                + (retryAfter == null ? "" : "\r\nRetry-After: " + retryAfter) + "\r\nConnection: close\r\n\r\n" + body;
        client.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
    }

    /** The first-attempt rule this request falls under, or null: its first attempt, and the n-th distinct one the rule matched. */
    private FirstAttempt firstAttempt(Request request) {
        for (FirstAttempt rule : firstAttempts) {
            if (rule.which().test(request) && seen.add(request.line())) {
                if (distinct.incrementAndGet() % rule.every() == 0) {
                    return rule;
                }
                return null;
            }
        }
        return null;
    }

    /** The head with the listing's page size capped at pageSize, when pages are shortened. */
    private byte[] shortened(byte[] head, Request request) {
        int entries = pageSize;
        if (entries <= 0 || !request.method().equals("GET")) {
            return head;
        }
        // not ListMultipartUploads: S3Proxy refuses its max-uploads
        String parameter = request.hasParameter("list-type") ? "max-keys" : request.hasParameter("uploadId") ? "max-parts" : null;
        if (parameter == null) {
            return head;
        }
        List<String> query = new ArrayList<>();
        int asked = Integer.MAX_VALUE;
        for (String p : request.query().split("&")) {
            if (p.startsWith(parameter + "=")) {
                asked = Integer.parseInt(p.substring(parameter.length() + 1));
            } else if (!p.isEmpty()) {
                query.add(p);
            }
        }
        query.add(parameter + "=" + Math.min(asked, entries));
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String line = text.substring(0, text.indexOf("\r\n"));
        String version = line.substring(line.lastIndexOf(' '));
        String rewritten = request.method() + " " + request.path() + "?" + String.join("&", query) + version;
        return (rewritten + text.substring(line.length())).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Request request(String head) {
        String[] lines = head.split("\r\n");
        String[] parts = lines[0].split(" ");
        String target = parts[1];
        int q = target.indexOf('?');
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        return new Request(parts[0], q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1), headers);
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
                head = shiftedDate(head, dateShift);
                if (request.cut() && request.cutAnswerAfter() == HEADERS) {
                    faultsInjected.incrementAndGet();
                    out.write(head, 0, head.length / 2);
                    out.flush();
                    return; // both sockets close inside the headers
                }
                if (opaqueEtags && !request.cut()) {
                    head = OpaqueEtags.answerHead(head, request.request());
                    text = new String(head, StandardCharsets.ISO_8859_1);
                    if (OpaqueEtags.inAnswerBody(request.request()) && hasBody(request, text)) {
                        byte[] body = OpaqueEtags.body(readBody(in, text), request.request());
                        out.write(OpaqueEtags.withLength(head, body.length));
                        out.write(body);
                        out.flush();
                        continue;
                    }
                }
                RepeatedPages repeating = repeatedPages;
                if (repeating != null && !request.cut() && RepeatedPages.listing(request.request()) && text.startsWith("HTTP/1.1 200")) {
                    byte[] body = repeating.body(readBody(in, text), request.request());
                    out.write(OpaqueEtags.withLength(head, body.length));
                    out.write(body);
                    out.flush();
                    continue;
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

    private static byte[] shiftedDate(byte[] head, Duration by) {
        if (by.isZero()) {
            return head;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        Matcher date = DATE.matcher(text);
        if (!date.find()) {
            return head;
        }
        String moved = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.parse(date.group(1), DateTimeFormatter.RFC_1123_DATE_TIME).plus(by));
        return (text.substring(0, date.start(1)) + moved + text.substring(date.end(1))).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final Pattern DATE = Pattern.compile("(?i)\r\nDate: ([^\r]*)\r\n");

    private static boolean hasBody(Asked request, String head) {
        String status = head.substring(9, 12);
        return !request.method().equals("HEAD") && !status.equals("204") && !status.equals("304");
    }

    /** A whole answer body, framed by chunks, a Content-Length or the close of the connection. */
    private static byte[] readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (lower.contains("\r\ntransfer-encoding: chunked")) {
            while (true) {
                String sizeLine = readLine(in).trim();
                int semicolon = sizeLine.indexOf(';');
                long size = Long.parseLong(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon), 16);
                if (size == 0) {
                    while (!readLine(in).equals("\r\n")) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes((int) size));
                readLine(in);
            }
        }
        if (lower.contains("\r\ncontent-length:")) {
            return in.readNBytes((int) contentLength(head));
        }
        return in.readAllBytes();
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
