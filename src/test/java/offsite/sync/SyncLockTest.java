package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import offsite.store.Bucket;
import offsite.store.Fallbacks;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Client;

/** Issue 15, item 9: one pass at a time per data directory and per prefix in the bucket, on a real S3 server. */
class SyncLockTest {

    private static final String LEASE = "sets.lease.json";
    private static final Duration HOLD = Duration.ofHours(6);

    @TempDir
    Path dir;

    private S3Client client;
    private Bucket bucket;

    @BeforeEach
    void bucket() {
        S3Settings s3 = TestS3.freshBucket();
        client = S3ClientFactory.create(s3);
        bucket = new S3Bucket(client, s3, new Fallbacks());
    }

    @AfterEach
    void close() {
        client.close();
    }

    private SyncLock lock(String dataDir, String host) {
        return new SyncLock(dir.resolve(dataDir), bucket, Clock.systemUTC(), host);
    }

    private SyncLock.Lease lease() throws Exception {
        try (InputStream in = bucket.get(LEASE, 0)) {
            return new ObjectMapper().readValue(in.readAllBytes(), SyncLock.Lease.class);
        }
    }

    @Test
    void a_second_pass_in_the_same_process_is_refused_until_the_first_gives_the_lock_back() {
        SyncLock lock = lock("data", "host-a");
        SyncLock.Attempt first = lock.take(LEASE, HOLD);
        assertThat(first.held()).isNotNull();

        SyncLock.Attempt second = lock.take(LEASE, HOLD);

        assertThat(second.held()).isNull();
        assertThat(second.refusal()).startsWith("a sync pass is already running in this process since");
        first.held().release();
        assertThat(bucket.head(LEASE)).as("the lease goes with the pass").isEmpty();
        SyncLock.Attempt after = lock.take(LEASE, HOLD);
        assertThat(after.held()).isNotNull();
        after.held().release();
    }

    @Test
    void another_host_holding_the_prefix_makes_a_pass_stand_down_naming_it() throws Exception {
        SyncLock.Attempt a = lock("data-a", "host-a").take(LEASE, HOLD);
        assertThat(a.held()).isNotNull();
        assertThat(lease().host()).isEqualTo("host-a");

        SyncLock.Attempt b = lock("data-b", "host-b").take(LEASE, HOLD);

        assertThat(b.held()).isNull();
        assertThat(b.refusal()).contains("another pass is mirroring to this prefix: host host-a, pid " + ProcessHandle.current().pid())
                .contains("its lease sets.lease.json expires at");
        assertThat(lease().host()).as("the holder's lease is left as it was").isEqualTo("host-a");
        a.held().release();
    }

    /** A lease left behind, and whether a new pass on host-b with data directory data-b may take it over. */
    record Left(String name, String host, long pid, Instant expires, boolean takenOver) {
    }

    static Stream<Left> leftLeases() {
        long deadPid = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1) + 100_000;
        return Stream.of(
                new Left("older than max-duration plus grace", "host-a", ProcessHandle.current().pid(), Instant.now().minusSeconds(60), true),
                new Left("its holder's process on this host is gone", "host-b", deadPid, Instant.now().plus(HOLD), true),
                new Left("a live holder on another host", "host-a", ProcessHandle.current().pid(), Instant.now().plus(HOLD), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leftLeases")
    void a_lease_whose_holder_is_gone_or_which_expired_is_taken_over(Left left) throws Exception {
        SyncLock.Lease stale = new SyncLock.Lease(left.host(), left.pid(), "pass-of-" + left.host(), Instant.now().minus(HOLD).toString(),
                left.expires().toString());
        bucket.put(LEASE, Bucket.Body.of(new ObjectMapper().writeValueAsBytes(stale)), null, Map.of());

        SyncLock.Attempt attempt = lock("data-b", "host-b").take(LEASE, HOLD);

        assertThat(attempt.held() != null).as(String.valueOf(attempt.refusal())).isEqualTo(left.takenOver());
        assertThat(lease().host()).isEqualTo(left.takenOver() ? "host-b" : left.host());
        if (attempt.held() != null) {
            attempt.held().release();
        }
    }
}
