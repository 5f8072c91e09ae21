package offsite.faults;

import java.net.URI;
import java.nio.file.Path;
import offsite.store.EmbeddedS3;
import offsite.store.S3Settings;

/**
 * An S3Proxy of its own on a fixed port, over its own filesystem blobstore directory, with fixed credentials, that
 * a test can stop and start again: the same server as far as the app can tell, restarted. Started by EmbeddedS3,
 * as the shared one other tests use (which is never stopped).
 */
final class RestartableS3 implements AutoCloseable {

    private static final String ACCESS_KEY = "restartable";
    private static final String SECRET_KEY = "restartable-secret-key";

    private final Path blobs;
    private final int port;
    private EmbeddedS3 server;

    RestartableS3(Path blobs, int port) {
        this.blobs = blobs;
        this.port = port;
    }

    synchronized void start() throws Exception {
        server = EmbeddedS3.start(blobs, port, ACCESS_KEY, SECRET_KEY);
    }

    /** Stops the server: connections in flight break, new ones are refused until start() again. */
    synchronized void stop() throws Exception {
        if (server != null) {
            server.close();
            server = null;
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
