package offsite.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The HTTP client with the write timeout the Apache client lacks: a request whose body the connection has taken nothing
 * of for {@code stalled} (a server or proxy that accepted it and stopped reading: a hung one) is aborted and fails with a
 * SocketTimeoutException, which the SDK retries; before, the upload waited out the 30-minute attempt timeout, on every
 * attempt. Once the whole body is sent, the wait for the answer is the socket timeout's.
 */
final class StallWatchingHttpClient implements SdkHttpClient {

    private final SdkHttpClient http;
    private final long stalledNanos;
    private final long checkMillis;
    private final Runnable heard;
    private final ScheduledThreadPoolExecutor watch = watch();

    private StallWatchingHttpClient(SdkHttpClient http, Duration stalled, Runnable heard) {
        this.http = http;
        this.heard = heard;
        this.stalledNanos = stalled.toNanos();
        this.checkMillis = Math.max(50, stalled.toMillis() / 4);
    }

    /** One thread for every request's check; a check is dropped from its queue when its request ends (20,000 a night of small files). */
    private static ScheduledThreadPoolExecutor watch() {
        ScheduledThreadPoolExecutor watch = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "s3-stall-watch");
            t.setDaemon(true);
            return t;
        });
        watch.setRemoveOnCancelPolicy(true);
        return watch;
    }

    /** A builder the S3 client builds (and closes) as its own: the SDK's defaults go to the Apache client under it. */
    static SdkHttpClient.Builder<?> over(SdkHttpClient.Builder<?> http, Duration stalled, Runnable heard) {
        return new Builder(http, stalled, heard);
    }

    private record Builder(SdkHttpClient.Builder<?> http, Duration stalled, Runnable heard) implements SdkHttpClient.Builder<Builder> {
        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return new StallWatchingHttpClient(http.buildWithDefaults(serviceDefaults), stalled, heard);
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        Optional<ContentStreamProvider> body = request.contentStreamProvider();
        if (body.isEmpty()) {
            return http.prepareRequest(request);
        }
        long length = request.httpRequest().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(-1L);
        Sending sending = new Sending(length, heard);
        ExecutableHttpRequest call = http.prepareRequest(HttpExecuteRequest.builder().request(request.httpRequest())
                .metricCollector(request.metricCollector().orElse(null))
                .contentStreamProvider(() -> sending.watch(body.get().newStream())).build());
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                sending.progressed();
                ScheduledFuture<?> check = watch.scheduleWithFixedDelay(() -> {
                    if (sending.stalledLongerThan(stalledNanos)) {
                        sending.aborted = true;
                        call.abort();
                    }
                }, checkMillis, checkMillis, TimeUnit.MILLISECONDS);
                try {
                    return call.call();
                } catch (IOException e) {
                    if (sending.aborted) {
                        SocketTimeoutException stall = new SocketTimeoutException("the server took none of the request body for "
                                + Duration.ofNanos(stalledNanos).toSeconds() + " s: the connection was dropped");
                        stall.initCause(e);
                        throw stall;
                    }
                    throw e;
                } finally {
                    check.cancel(false);
                }
            }

            @Override
            public void abort() {
                call.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return http.clientName();
    }

    @Override
    public void close() {
        watch.shutdownNow();
        http.close();
    }

    /** One request's body on its way: when the connection last took some of it. */
    private static final class Sending {
        /** The body's length, -1 when not known: the client reads no end of stream past a known length. */
        private final long length;
        private volatile long taken;
        private volatile long lastNanos = System.nanoTime();
        /** Inside a read: a bandwidth cap's wait is not a stall. */
        private volatile boolean reading;
        /** The body's end was read: the answer's wait is the socket timeout's. */
        private volatile boolean sent;
        private volatile boolean aborted;
        /** Told of bytes taken: the server is there (UnansweredRequests). */
        private final Runnable heard;

        Sending(long length, Runnable heard) {
            this.length = length;
            this.heard = heard;
        }

        void progressed() {
            lastNanos = System.nanoTime();
        }

        boolean stalledLongerThan(long nanos) {
            return !reading && !sent && System.nanoTime() - lastNanos > nanos;
        }

        InputStream watch(InputStream in) {
            sent = false; // a retry's stream, or one the client opened again
            taken = 0;
            progressed();
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    reading = true;
                    try {
                        int b = super.read();
                        took(b < 0 ? -1 : 1);
                        return b;
                    } finally {
                        progressed();
                        reading = false;
                    }
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    reading = true;
                    try {
                        int n = super.read(b, off, len);
                        took(n);
                        return n;
                    } finally {
                        progressed();
                        reading = false;
                    }
                }

                @Override
                public synchronized void reset() throws IOException {
                    super.reset();
                    taken = 0; // the client marks a body at its start
                }
            };
        }

        private void took(int n) {
            if (n < 0) {
                sent = true;
                return;
            }
            taken += n;
            sent = length >= 0 && taken >= length;
            if (n > 0) {
                heard.run();
            }
        }
    }
}
