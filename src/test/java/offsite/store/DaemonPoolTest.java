package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonPoolTest {

    private static long alive(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals(name)).count();
    }

    @Test
    void runs_as_many_tasks_side_by_side_as_it_has_threads_on_daemon_threads_of_its_name() throws Exception {
        ExecutorService pool = DaemonPool.of(3, "pool-side-by-side", Duration.ofMinutes(1));
        CountDownLatch allIn = new CountDownLatch(3);
        List<Future<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(pool.submit(() -> {
                allIn.countDown();
                assertThat(allIn.await(10, TimeUnit.SECONDS)).as("three tasks at once").isTrue();
                return Thread.currentThread().isDaemon();
            }));
        }
        for (Future<Boolean> task : tasks) {
            assertThat(task.get(20, TimeUnit.SECONDS)).as("daemon thread").isTrue();
        }
        assertThat(alive("pool-side-by-side")).isEqualTo(3);
        pool.shutdownNow();
    }

    @Test
    void a_pool_no_one_shuts_down_holds_no_thread_once_idle() throws Exception {
        ExecutorService pool = DaemonPool.of(4, "pool-left-open", Duration.ofMillis(50));
        List<Future<?>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(pool.submit(() -> { }));
        }
        for (Future<?> task : tasks) {
            task.get(20, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (alive("pool-left-open") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(alive("pool-left-open")).as("threads left after the pool went idle").isZero();
        assertThat(pool.submit(() -> "again").get(20, TimeUnit.SECONDS)).as("an idle pool takes work again").isEqualTo("again");
    }
}
