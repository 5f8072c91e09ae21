package offsite.store;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 with UNSIGNED-PAYLOAD over plain http too, as the SDK already does over https. Over http the SDK would
 * read every body once to hash it (SHA-256) before sending it, and the server would hash it again: twice the
 * disk reads and CPU for nothing, since Offsite checks every body with Content-MD5 or the part's ETag.
 * The protocol is not part of the signature, so signing as if https gives the same headers.
 */
final class UnsignedPayloadSigning implements AwsV4AuthScheme {

    private final AwsV4AuthScheme standard = AwsV4AuthScheme.create();

    @Override
    public String schemeId() {
        return standard.schemeId();
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return standard.identityProvider(providers);
    }

    @Override
    public AwsV4HttpSigner signer() {
        AwsV4HttpSigner signer = standard.signer();
        return new AwsV4HttpSigner() {
            @Override
            public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
                SdkHttpRequest original = request.request();
                SignedRequest signed = signer.sign(request.copy(b -> b.request(original.toBuilder().protocol("https").build())
                        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)));
                return signed.copy(b -> b.request(signed.request().toBuilder().protocol(original.protocol()).build()));
            }

            @Override
            public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
                return signer.signAsync(request);
            }
        };
    }
}
