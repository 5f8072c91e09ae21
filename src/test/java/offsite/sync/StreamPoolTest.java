package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StreamPoolTest {

    @Test
    void a_submitter_beyond_the_streams_and_their_queue_waits_until_a_stream_takes_a_task() throws Exception {
        StreamPool pool = new StreamPool(2, "test-stream");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Runnable held = () -> {
            try {
                release.await();
                ran.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        for (int i = 0; i < 4; i++) {
            pool.execute(held); // two running, two queued
        }
        CompletableFuture<Void> fifth = CompletableFuture.runAsync(() -> pool.execute(held));

        assertThat(fifth).failsWithin(300, TimeUnit.MILLISECONDS); // still waiting for room, not run, not refused
        release.countDown();
        fifth.get(10, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasValue(5);
    }

    @Test
    void a_submitter_waiting_when_the_streams_shut_down_is_refused_not_left_waiting() throws Exception {
        StreamPool pool = new StreamPool(1, "test-stream");
        CountDownLatch release = new CountDownLatch(1);
        Runnable held = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        pool.execute(held);
        pool.execute(held);
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> pool.execute(held));
        assertThat(third).failsWithin(200, TimeUnit.MILLISECONDS);

        pool.shutdownNow();

        assertThatThrownBy(() -> third.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("shut down");
        assertThatThrownBy(() -> pool.execute(held)).isInstanceOf(RejectedExecutionException.class);
    }
}
