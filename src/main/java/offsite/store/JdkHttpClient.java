package offsite.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The SDK's HTTP client on the JDK's HttpURLConnection, as the SDK's url-connection client does it, except that
 * a request body goes out in 64 KiB writes. The SDK's client copies in 4 KiB writes and the JDK flushes the
 * socket after each one: a syscall per 4 KiB, about 2 s of CPU per 2 GiB sent here (docs/benchmarks.md).
 */
final class JdkHttpClient implements SdkHttpClient {

    /** Large enough to make syscalls rare, small enough that the JDK's copy into its direct buffer stays in cache. */
    static final int WRITE_SIZE = 64 * 1024;

    private final Duration connectTimeout;
    private final Duration readTimeout;

    JdkHttpClient(Duration connectTimeout, Duration readTimeout) {
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** The builder the S3 client is given; the timeouts are Offsite's own, not the service's defaults. */
    record Builder(Duration connectTimeout, Duration readTimeout) implements SdkHttpClient.Builder<Builder> {
        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return new JdkHttpClient(connectTimeout, readTimeout);
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        HttpURLConnection connection = open(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                return exchange(connection, request);
            }

            @Override
            public void abort() {
                connection.disconnect();
            }
        };
    }

    private HttpURLConnection open(HttpExecuteRequest request) {
        SdkHttpRequest http = request.httpRequest();
        try {
            HttpURLConnection connection = (HttpURLConnection) http.getUri().toURL().openConnection();
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setReadTimeout((int) readTimeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            // the JDK sets Host and Content-Length itself and ignores them here
            http.forEachHeader((name, values) -> values.forEach(value -> connection.addRequestProperty(name, value)));
            if (http.firstMatchingHeader("Accept").isEmpty()) {
                connection.setRequestProperty("Accept", "*/*"); // the JDK's default Accept is not valid HTTP
            }
            connection.setRequestMethod(http.method().name());
            if (request.contentStreamProvider().isPresent()) {
                connection.setDoOutput(true);
                long length = http.firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
                if (length >= 0) {
                    connection.setFixedLengthStreamingMode(length);
                } else {
                    connection.setChunkedStreamingMode(WRITE_SIZE);
                }
            }
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpExecuteResponse exchange(HttpURLConnection connection, HttpExecuteRequest request) throws IOException {
        connection.connect();
        if (request.contentStreamProvider().isPresent() && !sent(connection, request)) {
            // answered instead of 100 Continue: the JDK keeps only the status, and asking it for more sends the request again
            int status = connection.getResponseCode();
            connection.disconnect();
            return HttpExecuteResponse.builder().response(SdkHttpResponse.builder().statusCode(status).build()).build();
        }
        int status = connection.getResponseCode();
        InputStream body = null;
        if (status >= 400) {
            body = connection.getErrorStream();
        } else if (status != 204 && status != 304 && request.httpRequest().method() != SdkHttpMethod.HEAD) {
            body = connection.getInputStream();
        }
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder()
                        .statusCode(status)
                        .statusText(connection.getResponseMessage())
                        .headers(headers(connection))
                        .build())
                .responseBody(body == null ? null : AbortableInputStream.create(body))
                .build();
    }

    /** Writes the body; false when the server answered before its 100 Continue (a refusal) and no body was sent. */
    private static boolean sent(HttpURLConnection connection, HttpExecuteRequest request) throws IOException {
        OutputStream out;
        try {
            out = connection.getOutputStream();
        } catch (ProtocolException rejected) {
            if (request.httpRequest().firstMatchingHeader("Expect").isPresent()
                    && String.valueOf(rejected.getMessage()).startsWith("Server rejected operation")) {
                return false;
            }
            throw rejected;
        }
        ContentStreamProvider content = request.contentStreamProvider().orElseThrow();
        try (InputStream in = content.newStream(); out) {
            byte[] buffer = new byte[WRITE_SIZE];
            for (int n = in.readNBytes(buffer, 0, WRITE_SIZE); n > 0; n = in.readNBytes(buffer, 0, WRITE_SIZE)) {
                out.write(buffer, 0, n);
            }
        }
        return true;
    }

    private static Map<String, List<String>> headers(HttpURLConnection connection) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        connection.getHeaderFields().forEach((name, values) -> {
            if (name != null) { // the status line
                headers.put(name, values);
            }
        });
        return headers;
    }

    @Override
    public String clientName() {
        return "JdkHttpClient";
    }

    @Override
    public void close() {
        // HttpURLConnection keeps its connections in the JDK's own pool
    }
}
