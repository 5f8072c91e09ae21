package offsite.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven over the DevTools protocol (a WebSocket from java.net.http): navigate,
 * run JavaScript in the page (type, click), and hear of every request the page makes.
 */
public final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();

    public Browser(Path work) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException("Debian's chromium is needed for this test (apt-get install chromium)");
        }
        Path profile = Files.createTempDirectory(work, "chromium");
        // the flags keep a closed network quiet: no background fetches, updates or sync at start
        process = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
                "--remote-allow-origins=*", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                close();
                throw new IllegalStateException("chromium did not open its DevTools port; see " + work.resolve("chromium.log"));
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(OffsiteHarness.ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString()).body());
        String page = null;
        for (JsonNode t : targets) {
            if (t.path("type").asText().equals("page")) {
                page = t.path("webSocketDebuggerUrl").asText();
            }
        }
        if (page == null) {
            close();
            throw new IllegalStateException("chromium has no page target: " + targets);
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener()).get(30, TimeUnit.SECONDS);
        call("Network.enable", JSON.createObjectNode());
        call("Page.enable", JSON.createObjectNode());
    }

    /** Opens the address and waits until the page has loaded. */
    public void open(String url) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("url", url);
        call("Page.navigate", params);
        waitUntil("document.readyState === 'complete' && location.href.startsWith(" + JSON.writeValueAsString(url) + ")");
    }

    /** Runs a JavaScript expression in the page and returns its value as text. */
    public String eval(String expression) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true).put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value").asText();
    }

    /** Waits (up to 30 s) until a JavaScript condition holds in the page, as after a click that navigates. */
    public void waitUntil(String condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (eval("Boolean(" + condition + ")").equals("true")) {
                    return;
                }
            } catch (IllegalStateException navigating) {
                // the page went away mid-evaluation: ask again on the new one
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("never true in the page: " + condition + " (at " + eval("location.href") + ")");
            }
            Thread.sleep(50);
        }
    }

    /** Every address the page asked for since the browser started (documents, styles, images, scripts, fetches). */
    public List<String> requested() {
        return List.copyOf(requested);
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answers.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
        JsonNode reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> answer = answers.remove(message.get("id").asInt());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    } else if ("Network.requestWillBeSent".equals(message.path("method").asText())) {
                        requested.add(message.path("params").path("request").path("url").asText());
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("DevTools sent what is not JSON: " + e.getMessage(), e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
