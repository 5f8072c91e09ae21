package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DATA/notifications.json is shared by the long-running process and a one-shot command (`sync`, `offline`, `image` by
 * hand): each writes its own channel's outcome, and neither may undo the other's. Real files, real threads, a real second
 * JVM.
 */
class LastDeliveriesTest {

    static final int WRITES = 300;
    static final Instant T = Instant.parse("2026-12-03T07:00:00Z");

    @TempDir
    Path dir;

    /**
     * Writes channel's outcome WRITES times; before each write it checks that its previous one is still there (another
     * writer's stale copy would have put back an older one). Returns the writes found lost.
     */
    static List<String> writeMany(LastDeliveries deliveries, String channel) throws Exception {
        List<String> lost = new ArrayList<>();
        for (int i = 1; i <= WRITES; i++) {
            if (i > 1) {
                LastDeliveries.Channel mine = deliveries.read().get(channel);
                Instant expected = T.plusSeconds(i - 1);
                if (mine == null || !expected.equals(mine.lastSent())) {
                    lost.add(channel + " write " + (i - 1) + " found as " + (mine == null ? "missing" : mine.lastSent()));
                }
            }
            deliveries.sent(channel, T.plusSeconds(i));
        }
        return lost;
    }

    @Test
    void two_instances_writing_different_channels_at_once_lose_neither_ones_outcome() throws Exception {
        Path file = dir.resolve("notifications.json");
        LastDeliveries daemon = new LastDeliveries(file);
        LastDeliveries command = new LastDeliveries(file);
        CountDownLatch go = new CountDownLatch(1);

        CompletableFuture<List<String>> mail = CompletableFuture.supplyAsync(() -> afterLatch(go, () -> writeMany(daemon, "mail")));
        CompletableFuture<List<String>> webhook = CompletableFuture.supplyAsync(() -> afterLatch(go, () -> writeMany(command, "webhook")));
        go.countDown();

        assertThat(mail.get(120, TimeUnit.SECONDS)).isEmpty();
        assertThat(webhook.get(120, TimeUnit.SECONDS)).isEmpty();
        assertThat(daemon.read().get("mail").lastSent()).isEqualTo(T.plusSeconds(WRITES));
        assertThat(daemon.read().get("webhook").lastSent()).isEqualTo(T.plusSeconds(WRITES));
    }

    @Test
    void a_second_process_writing_another_channel_at_once_loses_neither_ones_outcome() throws Exception {
        Path file = dir.resolve("notifications.json");
        LastDeliveries daemon = new LastDeliveries(file);
        Path childOut = dir.resolve("child.out");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SecondProcess.class.getName(), file.toString())
                .redirectErrorStream(true).redirectOutput(childOut.toFile()).start();
        while (!daemon.read().containsKey("heartbeat") && child.isAlive()) { // its JVM started and has begun writing
            Thread.onSpinWait();
        }

        List<String> lost = writeMany(daemon, "mail");

        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(childOut, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(out).isZero();
        assertThat(out).as("the heartbeat writes the other process found lost").doesNotContain("heartbeat write");
        assertThat(lost).isEmpty();
        assertThat(daemon.read().get("mail").lastSent()).isEqualTo(T.plusSeconds(WRITES));
        assertThat(daemon.read().get("heartbeat").lastSent()).isEqualTo(T.plusSeconds(WRITES));
    }

    interface Work<T> {
        T run() throws Exception;
    }

    static <T> T afterLatch(CountDownLatch go, Work<T> work) {
        try {
            go.await();
            return work.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The other process: a one-shot command writing the heartbeat's outcome; prints each write it found lost. */
    public static final class SecondProcess {

        public static void main(String[] args) throws Exception {
            writeMany(new LastDeliveries(new File(args[0]).toPath()), "heartbeat").forEach(System.out::println);
        }
    }
}
