package offsite.testing;

import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 implementation the conformance suite and the end-to-end passes run on: its name, the optional operations it
 * lacks (as Fallbacks names them), and a fresh bucket on it per test (the server itself is started once per test
 * JVM). A fresh bucket skips the test, saying why, when the implementation cannot run on this machine.
 */
public record S3Implementation(String name, Set<String> lacks, Supplier<S3Settings> freshBucket) {

    /** A new, created, empty bucket. */
    public S3Settings bucket() {
        return freshBucket.get();
    }

    @Override
    public String toString() {
        return name;
    }

    /** A bucket name no other test uses. */
    static String uniqueBucket() {
        return "t-" + UUID.randomUUID().toString().substring(0, 18);
    }

    /** The settings' bucket created, through the settings' own endpoint. */
    static S3Settings created(S3Settings s) {
        try (S3Client client = S3ClientFactory.create(s)) {
            client.createBucket(b -> b.bucket(s.bucket()));
        }
        return s;
    }
}
