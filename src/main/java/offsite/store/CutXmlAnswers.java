package offsite.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The HTTP client with one change: an XML answer (a listing, an error) whose connection breaks while it is read
 * fails as an SDK client error, which the retry strategy sends again. As the JDK client reports it, an
 * IOException, the SDK's XML parser rethrows it unchecked and it escapes the retries: a listing cut before its
 * first byte failed the pass. Object bodies (GetObject) are left as they are: their readers resume.
 */
final class CutXmlAnswers implements SdkHttpClient {

    private final SdkHttpClient client;

    private CutXmlAnswers(SdkHttpClient client) {
        this.client = client;
    }

    /** Wraps what the given builder makes. */
    static SdkHttpClient.Builder<Around> around(SdkHttpClient.Builder<?> builder) {
        return new Around(builder);
    }

    /** The builder the S3 client is given: it builds the real client with the service's defaults, then wraps it. */
    static final class Around implements SdkHttpClient.Builder<Around> {
        private final SdkHttpClient.Builder<?> builder;

        Around(SdkHttpClient.Builder<?> builder) {
            this.builder = builder;
        }

        @Override
        public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            return new CutXmlAnswers(builder.buildWithDefaults(serviceDefaults));
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest call = client.prepareRequest(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                HttpExecuteResponse response = call.call();
                boolean xml = response.httpResponse().firstMatchingHeader("Content-Type").map(t -> t.contains("xml")).orElse(false);
                if (!xml || response.responseBody().isEmpty()) {
                    return response;
                }
                AbortableInputStream body = response.responseBody().get();
                return HttpExecuteResponse.builder().response(response.httpResponse())
                        .responseBody(AbortableInputStream.create(new Guarded(body), body)).build();
            }

            @Override
            public void abort() {
                call.abort();
            }
        };
    }

    /** Reads the answer; a broken connection becomes a retryable SDK failure with the I/O error as its cause. */
    private static final class Guarded extends FilterInputStream {
        Guarded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | UncheckedIOException e) {
                throw broken(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException | UncheckedIOException e) {
                throw broken(e);
            }
        }

        private static SdkClientException broken(Exception e) {
            return SdkClientException.builder().message("the answer broke off while it was read: " + e.getMessage()).cause(e).build();
        }
    }

    @Override
    public String clientName() {
        return client.clientName();
    }

    @Override
    public void close() {
        client.close();
    }
}
