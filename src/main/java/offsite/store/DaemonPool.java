package offsite.store;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of named daemon threads that end when idle: a pool no one shuts down (a bucket's listers, a pass's
 * streams) holds no thread between uses, so a process that builds many of them does not pile threads up.
 */
public final class DaemonPool {

    static final Duration IDLE = Duration.ofSeconds(10);

    private DaemonPool() {
    }

    public static ExecutorService of(int threads, String name) {
        return of(threads, name, IDLE);
    }

    static ExecutorService of(int threads, String name, Duration idle) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, idle.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
