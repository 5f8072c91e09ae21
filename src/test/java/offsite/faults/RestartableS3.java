package offsite.faults;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import offsite.store.S3Settings;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3Proxy of its own on a fixed port, over its own filesystem blobstore directory, with fixed credentials, that
 * a test can stop and start again: the same server as far as the app can tell, restarted. Built as EmbeddedS3
 * builds the shared one, which other tests use and which is never stopped.
 */
final class RestartableS3 implements AutoCloseable {

    private static final String ACCESS_KEY = "restartable";
    private static final String SECRET_KEY = "restartable-secret-key";

    private final Path blobs;
    private final int port;
    private S3Proxy proxy;
    private BlobStoreContext context;

    RestartableS3(Path blobs, int port) {
        this.blobs = blobs;
        this.port = port;
    }

    synchronized void start() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", blobs.toAbsolutePath().toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(properties).buildView(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .maxSinglePartObjectSize(5L << 30)
                .v4MaxNonChunkedRequestSize(5L << 30)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
    }

    /** Stops the server: connections in flight break, new ones are refused until start() again. */
    synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            context.close();
            proxy = null;
        }
    }

    S3Settings settings(String bucket) {
        return new S3Settings(URI.create("http://127.0.0.1:" + port), "us-east-1", true, ACCESS_KEY, SECRET_KEY, bucket,
                S3Settings.ChecksumMode.WHEN_REQUIRED, 3, true, false);
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
