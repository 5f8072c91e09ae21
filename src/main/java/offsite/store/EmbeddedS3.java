package offsite.store;

import java.net.BindException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import offsite.config.SettingError;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * S3Proxy in-process on 127.0.0.1 with a filesystem blobstore: the store used when no endpoint is configured,
 * and the real server the tests talk to. Credentials are random per start and never printed.
 */
public final class EmbeddedS3 implements AutoCloseable {

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.context = context;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts the server on the given port (0 picks a free one) storing blobs under dir. */
    public static EmbeddedS3 start(Path dir, int port) throws Exception {
        return start(dir, port, "offsite-" + random(6), random(20));
    }

    /** The same with given credentials: a server started again over the same directory answers to the same keys. */
    public static EmbeddedS3 start(Path dir, int port, String accessKey, String secretKey) throws Exception {
        requireServer();
        Files.createDirectories(dir);
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .overrides(properties)
                .buildView(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // single PUTs up to S3's own 5 GiB limit, unsigned-payload or not
                .maxSinglePartObjectSize(5L << 30)
                .v4MaxNonChunkedRequestSize(5L << 30)
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            context.close();
            BindException taken = bindFailure(e);
            if (taken != null) {
                throw new SettingError("offsite.s3.embedded-port", String.valueOf(port), "a port free on 127.0.0.1, or 0 for any free one; "
                        + taken.getMessage());
            }
            throw e;
        }
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        return new EmbeddedS3(proxy, context, accessKey, secretKey);
    }

    /** The port taken by another program, wherever in the causes Jetty put it; null for any other failure. */
    private static BindException bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException bind) {
                return bind;
            }
        }
        return null;
    }

    /** The container image leaves S3Proxy and its libraries out (about 35 MB): say so, not which class is missing. */
    private static void requireServer() {
        try {
            Class.forName("org.gaul.s3proxy.S3Proxy", false, EmbeddedS3.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("offsite.s3.endpoint is not set, and the embedded S3 server is not in this image: set"
                    + " offsite.s3.endpoint to your S3 service (https://s3.eu-west-1.amazonaws.com, http://minio.lan:9000, ...)");
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** The given settings pointed at this server. */
    public S3Settings settings(S3Settings configured) {
        return configured.at(endpoint(), accessKey, secretKey);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
