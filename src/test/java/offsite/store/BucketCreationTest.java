package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** offsite.s3.create-bucket=true when the process's own checks race to create the bucket (run's first pass and its health check). */
class BucketCreationTest {

    @Test
    void checks_that_create_the_same_missing_bucket_at_once_all_find_it_there() throws Exception {
        S3Settings base = TestS3.settings("placeholder");
        S3Settings fresh = new S3Settings(base.endpoint(), base.region(), true, base.accessKey(), base.secretKey(),
                "race-" + UUID.randomUUID().toString().substring(0, 12), base.checksumMode(), base.maxAttempts(), true, false);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (S3Client client = S3ClientFactory.create(fresh)) {
            Bucket bucket = new S3Bucket(client, fresh, new Fallbacks(), 5L << 20);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> problems = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                problems.add(pool.submit(() -> {
                    start.await();
                    return bucket.problem();
                }));
            }
            start.countDown();
            for (Future<String> problem : problems) {
                // the losers of the race are answered 409 BucketAlreadyOwnedByYou: the bucket is there, and ours
                assertThat(problem.get()).isNull();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
