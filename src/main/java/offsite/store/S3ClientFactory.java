package offsite.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the one S3Client every S3 request of the process goes through. */
public final class S3ClientFactory {

    static final int DEFAULT_CONNECTIONS = 50;

    /**
     * How long a connection may go without taking a byte of a request's body or giving one of its answer before it is
     * dropped and the request sent again.
     */
    public static final Duration SILENCE = Duration.ofMinutes(2);

    private S3ClientFactory() {
    }

    /**
     * Retries transient errors (5xx, SlowDown, connection resets) with the SDK's standard jittered backoff.
     * Chunked payload signing is off: it made a 128 MB PUT over http 4x slower (docs/benchmarks.md);
     * integrity is checked with Content-MD5 and ETags instead.
     */
    public static S3Client create(S3Settings settings, ExecutionInterceptor... interceptors) {
        return create(settings, DEFAULT_CONNECTIONS, interceptors);
    }

    /**
     * connections: the pool's size; a pass keeps streams x part-streams uploads in flight, and listings and the
     * status page's downloads need a few more beside them.
     */
    public static S3Client create(S3Settings settings, int connections, ExecutionInterceptor... interceptors) {
        return create(settings, connections, SILENCE, interceptors);
    }

    /** silence: {@link #SILENCE}, which a test shortens to play a hung server in seconds. */
    public static S3Client create(S3Settings settings, int connections, Duration silence, ExecutionInterceptor... interceptors) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .retryStrategy(b -> b.maxAttempts(settings.maxAttempts()).retryOnException(S3ClientFactory::answerCutShort))
                .apiCallAttemptTimeout(Duration.ofMinutes(30));
        override.addExecutionInterceptor(new SmallBodiesWithoutContinue());
        for (ExecutionInterceptor interceptor : interceptors) {
            override.addExecutionInterceptor(interceptor);
        }
        var builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .httpClientBuilder(StallWatchingHttpClient.over(ApacheHttpClient.builder()
                        .maxConnections(connections)
                        // the client would add Expect: 100-continue to every body; SmallBodiesWithoutContinue decides
                        .expectContinueEnabled(false)
                        .connectionTimeout(Duration.ofSeconds(10))
                        // an answer that stops arriving this long is a dead connection: the request is sent again
                        .socketTimeout(silence)
                        .connectionMaxIdleTime(Duration.ofSeconds(20))
                        .tcpKeepAlive(true), silence, heard(interceptors)))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle())
                        .chunkedEncodingEnabled(false)
                        .build())
                .requestChecksumCalculation(settings.checksumMode() == S3Settings.ChecksumMode.WHEN_REQUIRED
                        ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(settings.checksumMode() == S3Settings.ChecksumMode.WHEN_REQUIRED
                        ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
                .overrideConfiguration(override.build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
            if (settings.pathStyle()) {
                PathStyleEndpoint direct = new PathStyleEndpoint(settings.endpoint(), settings.region());
                builder.endpointProvider(direct).authSchemeProvider(direct);
            }
        }
        if (!settings.signPayload()) {
            builder.putAuthScheme(new UnsignedPayloadSigning());
        }
        return builder.build();
    }

    /** What the HTTP client tells of body bytes taken: the pass's UnansweredRequests, when it is among the interceptors. */
    private static Runnable heard(ExecutionInterceptor... interceptors) {
        return Arrays.stream(interceptors).filter(UnansweredRequests.class::isInstance).map(UnansweredRequests.class::cast)
                .findFirst().<Runnable>map(u -> u::heard).orElse(() -> { });
    }

    /**
     * An answer the connection cut short (an I/O error while it was read, or XML that ends early): not always a
     * retryable error to the SDK, but the request is worth sending again (a listing, a part's answer).
     */
    static boolean answerCutShort(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException
                    || (t instanceof SdkClientException && t.getMessage() != null
                    && t.getMessage().startsWith("Could not parse XML response"))) {
                return true;
            }
        }
        return false;
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.accessKey() == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    }
}
