package offsite.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on 127.0.0.1 that records every request and answers with the statuses it is given, then 200. */
public final class HttpReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived: method, path (with query), headers (lower-case names) and body. */
    public record Request(String method, String path, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();

    /** An answer to give: its status and its headers. */
    private record Answer(int status, Map<String, String> headers) {
    }

    public HttpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Answer answer;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers, body));
                answer = answers.isEmpty() ? new Answer(200, Map.of()) : answers.poll();
                notifyAll();
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(answer.status(), -1);
            exchange.close();
        });
        server.start();
    }

    /** The next answers, in order (for example 503, 503: two failures, then 200 again). */
    public synchronized HttpReceiver answering(Integer... codes) {
        List.of(codes).forEach(c -> answers.add(new Answer(c, Map.of())));
        return this;
    }

    /** The next answer: this status with one header (for example 503 with Retry-After: 1). */
    public synchronized HttpReceiver answering(int code, String header, String value) {
        answers.add(new Answer(code, Map.of(header, value)));
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The JSON bodies of the requests to this path so far (a webhook's posts), in order. */
    public List<JsonNode> json(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).map(r -> {
            try {
                return JSON.readTree(r.body());
            } catch (IOException e) {
                throw new IllegalStateException("a request to " + path + " that is not JSON: " + r.body(), e);
            }
        }).toList();
    }

    /** Waits up to the timeout until at least n requests arrived; returns them all. */
    public synchronized List<Request> await(int n, long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (requests.size() < n && System.nanoTime() < end) {
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, end - System.nanoTime()));
        }
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
