package offsite.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import offsite.store.EmbeddedS3;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** One real S3 server (S3Proxy on 127.0.0.1, filesystem blobstore) shared by the tests of a JVM; a fresh bucket per test. */
public final class TestS3 {

    public static final S3Implementation IMPLEMENTATION = new S3Implementation("S3Proxy 2.6.0",
            Set.of("GetBucketVersioning", "HeadObject partNumber"), TestS3::freshBucket);

    private static EmbeddedS3 server;
    private static S3Settings base;
    private static Path blobs;

    private TestS3() {
    }

    public static synchronized S3Settings settings(String bucket) {
        try {
            if (server == null) {
                Path dir = Files.createTempDirectory("offsite-s3proxy");
                server = EmbeddedS3.start(dir, 0);
                blobs = dir;
                // the blobs of a test JVM go with it
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try (var walk = Files.walk(dir)) {
                        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    } catch (IOException ignored) {
                        // best effort: a temp dir
                    }
                }));
                base = server.settings(new S3Settings(null, "us-east-1", true, null, null, "placeholder",
                        S3Settings.ChecksumMode.WHEN_REQUIRED, 3, true, false));
            }
            return new S3Settings(base.endpoint(), base.region(), true, base.accessKey(), base.secretKey(), bucket,
                    base.checksumMode(), base.maxAttempts(), true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Proxy", e);
        }
    }

    /** A new bucket with a unique name, created. */
    public static S3Settings freshBucket() {
        S3Settings s = settings("t-" + UUID.randomUUID().toString().substring(0, 18));
        try (S3Client client = S3ClientFactory.create(s)) {
            client.createBucket(b -> b.bucket(s.bucket()));
        }
        return s;
    }

    /**
     * Makes an object of the shared server look stored `ago` before now: the filesystem blobstore answers its file's
     * modification time as its LastModified, in listings too. For what must be judged by age (a day-old stray listing).
     */
    public static synchronized void backdate(S3Settings s, String key, Duration ago) throws IOException {
        Path blob = blobs.resolve(s.bucket()).resolve(key);
        Files.setLastModifiedTime(blob, FileTime.from(Instant.now().minus(ago)));
    }

    /**
     * Flips one byte of an object of the shared server in its blob file, in place: the bytes rot as a disk at the service
     * would rot them, and the object keeps its ETag, size and metadata.
     */
    public static synchronized void rot(S3Settings s, String key, long at) throws IOException {
        try (FileChannel blob = FileChannel.open(blobs.resolve(s.bucket()).resolve(key), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            blob.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 1)).rewind();
            blob.write(one, at);
        }
    }

    public static List<S3Object> list(S3Client client, String bucket, String prefix) {
        List<S3Object> out = new ArrayList<>();
        client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().forEach(out::add);
        return out;
    }
}
