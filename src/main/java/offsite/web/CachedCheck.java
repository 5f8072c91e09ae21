package offsite.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A check that costs a request (is the bucket reachable?) or may hang (is the set's share there?) run at most once per
 * maxAge, in the background: a probe gets the last result at once and never waits on a slow or unreachable store, except
 * the very first, briefly. A check that has not answered for hungAfter is a problem of its own, naming what it looks at.
 */
public final class CachedCheck {

    /** A result: the problem (null: all is well) and when it was found; NOT_YET before the first check ends. */
    public record Result(String problem, Instant checked) {
        public static final Result NOT_YET = new Result(null, null);

        public boolean known() {
            return checked != null;
        }
    }

    private final Supplier<String> check;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration firstWait;
    private final Executor executor;
    private final Duration hungAfter;
    private final String what;
    private volatile Result last = Result.NOT_YET;
    private CompletableFuture<Result> running;
    private Instant runningSince;

    /** check: returns null when all is well, else the problem; firstWait: how long the first caller waits for it. */
    public CachedCheck(Supplier<String> check, Clock clock, Duration maxAge, Duration firstWait, Executor executor) {
        this(check, clock, maxAge, firstWait, executor, null, null);
    }

    /** The same, a check running for hungAfter or longer said as "`what` has not answered for N s". */
    public CachedCheck(Supplier<String> check, Clock clock, Duration maxAge, Duration firstWait, Executor executor, Duration hungAfter,
            String what) {
        this.check = check;
        this.clock = clock;
        this.maxAge = maxAge;
        this.firstWait = firstWait;
        this.executor = executor;
        this.hungAfter = hungAfter;
        this.what = what;
    }

    /** The last result; starts a check when there is none or it is older than maxAge and none is running. */
    public Result result() {
        Result r = last;
        CompletableFuture<Result> refresh;
        synchronized (this) {
            Instant now = clock.instant();
            if (r.known() && Duration.between(r.checked(), now).compareTo(maxAge) < 0) {
                return r;
            }
            if (running == null || running.isDone()) {
                running = CompletableFuture.supplyAsync(this::run, executor);
                runningSince = now;
            } else if (hungAfter != null && Duration.between(runningSince, now).compareTo(hungAfter) >= 0) {
                return new Result(what + " has not answered for " + Duration.between(runningSince, now).toSeconds() + " s (a disk or share"
                        + " that hung?)", now);
            }
            refresh = running;
        }
        if (r.known()) {
            return r;
        }
        try {
            return refresh.get(firstWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Result.NOT_YET;
        } catch (Exception e) {
            return last;
        }
    }

    private Result run() {
        String problem;
        try {
            problem = check.get();
        } catch (RuntimeException e) {
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        }
        Result result = new Result(problem, clock.instant());
        last = result;
        return result;
    }
}
