package offsite.files;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A look at a disk or share that may never answer: a hung one holds the thread that stats it for good, so a look made
 * at start is made on a daemon thread of its own, and the start goes on without it after a wait.
 */
public final class DriveLook {

    private DriveLook() {
    }

    /** The look's answer, or empty when none came within wait (the thread is left to the drive). Its failure is thrown. */
    public static <T> Optional<T> within(Duration wait, Callable<T> look) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                answer.complete(look.call());
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        }, "offline-drive-look");
        thread.setDaemon(true);
        thread.start();
        try {
            return Optional.ofNullable(answer.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
