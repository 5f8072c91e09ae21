import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The floor under a first mirror of many small files: one PutObject (with Content-MD5) per file through the S3Client
 * Offsite builds, on STREAMS threads, and nothing else (no walk, plan, route, activity log or report).
 * Usage: java -cp CLASSES:target/offsite.jar:target/lib/* SdkPutFloor ENDPOINT BUCKET DIR STREAMS
 */
public final class SdkPutFloor {

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        Path root = Path.of(args[2]);
        int streams = Integer.parseInt(args[3]);
        S3Client s3 = S3ClientFactory.create(new S3Settings(endpoint, "us-east-1", true, "bench", "benchsecret", bucket,
                S3Settings.ChecksumMode.WHEN_REQUIRED, 3, true, false));
        s3.createBucket(b -> b.bucket(bucket));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        List<Future<?>> puts = new ArrayList<>();
        for (Path file : files) {
            puts.add(pool.submit(() -> {
                byte[] body = Files.readAllBytes(file);
                String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
                s3.putObject(b -> b.bucket(bucket).key("sets/" + root.relativize(file)).contentMD5(md5)
                        .contentLength((long) body.length), RequestBody.fromBytes(body));
                return null;
            }));
        }
        for (Future<?> put : puts) {
            put.get();
        }
        pool.shutdown();
        s3.close();
    }
}
