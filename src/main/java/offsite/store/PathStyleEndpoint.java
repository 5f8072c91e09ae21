package offsite.store;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthSchemeOption;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeParams;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;

/**
 * Where each request goes and how it is signed, for an S3-compatible server named by offsite.s3.endpoint with
 * path-style URLs: the endpoint, then the bucket. The SDK works both out per request through S3's endpoint rules
 * (hundreds of rules for AWS's regions, FIPS, dual-stack, access points and S3 Express, which such a server has none
 * of) and through an auth scheme provider that runs those rules again; at 20,000 small files a night that was much of
 * the client's CPU, and of the JIT's. AWS itself (no endpoint, or virtual-host URLs) keeps the SDK's rules.
 */
final class PathStyleEndpoint implements S3EndpointProvider, S3AuthSchemeProvider {

    private final String base;
    private final List<AuthSchemeOption> sigV4;

    PathStyleEndpoint(URI endpoint, String region) {
        String url = endpoint.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        // what the SDK's own S3 auth scheme gives every operation, less payload signing and chunked encoding (off here)
        this.sigV4 = List.of(AuthSchemeOption.builder().schemeId("aws.auth#sigv4")
                .putSignerProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putSignerProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putSignerProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putSignerProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putSignerProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putSignerProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, false)
                .build());
    }

    @Override
    public CompletableFuture<Endpoint> resolveEndpoint(S3EndpointParams params) {
        String bucket = params.bucket();
        return CompletableFuture.completedFuture(Endpoint.builder()
                .url(URI.create(bucket == null || bucket.isEmpty() ? base : base + "/" + bucket)).build());
    }

    @Override
    public List<AuthSchemeOption> resolveAuthScheme(S3AuthSchemeParams params) {
        return sigV4;
    }
}
