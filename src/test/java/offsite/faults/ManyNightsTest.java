package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.testing.OffsiteHarness;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: one `run` process through many short nights of both pipelines (a cron every 2 s), the set changing each
 * night (a file added, one deleted into the trash, the machine edited) and the status page read after each. Whatever a
 * night opens it gives back: no file of the data directory, the set or the machine stays open, and neither the
 * process's threads nor its heap grow with the nights. Counts and changes are made at quiet moments only: both
 * schedules suspended and nothing in flight, so a pass is never caught half-way or fed a file being written.
 */
class ManyNightsTest {

    private static final int NIGHTS = 14;
    /** Nights before the first count: the pools have started, the page has been served. */
    private static final int SETTLED = 3;
    private static final String[] SCHEDULES = {"sync-window", "image-hourly"};

    @TempDir
    Path dir;


    /** What the process holds at a quiet moment: open files under the test's folder, live threads by kind, heap used. */
    record Held(Map<String, Long> files, Map<String, Long> threads, long heapBytes) {
        long threadCount() {
            return threads.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            return "files " + files + ", " + threadCount() + " threads " + threads + ", heap " + (heapBytes >> 20) + " MB";
        }
    }

    /** The files under root the process holds open, by path, from /proc/self/fd. */
    private static Map<String, Long> openUnder(Path root) throws IOException {
        String prefix = root.toRealPath().toString();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    return "";
                }
            }).filter(target -> target.startsWith(prefix)).collect(Collectors.groupingBy(t -> t, TreeMap::new, Collectors.counting()));
        }
    }

    /**
     * Live threads by name with the digits taken out (pool-7-thread-3 and pool-8-thread-1 count as one kind), less
     * Vert.x's worker pool, which starts its threads (20 at most) as page views come.
     */
    private static Map<String, Long> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith("vert.x-worker-thread-"))
                .collect(Collectors.groupingBy(t -> t.getName().replaceAll("\\d+", "N"), TreeMap::new, Collectors.counting()));
    }

    /** Heap in use after collections, the lowest of three: what the process keeps, not what it has yet to free. */
    private static long heapKept() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** Suspends both schedules and waits until no pass is in flight. */
    private static void quiet(CamelContext camel) throws Exception {
        for (String route : SCHEDULES) {
            camel.getRouteController().suspendRoute(route);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (camel.getInflightRepository().size() > 0) {
            assertThat(System.nanoTime()).as("a pass still in flight a minute after the schedules were suspended").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void resume(CamelContext camel) throws Exception {
        for (String route : SCHEDULES) {
            camel.getRouteController().resumeRoute(route);
        }
    }

    @Test
    void a_night_gives_back_every_file_thread_and_byte_of_heap_it_took() throws Exception {
        Path machine = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(machine.resolve("hostname"), "excalibur\n");
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("Members/AA000000.rdb", 300_000, 0);
            app.set("offsite.sync.scheduled", "true").set("offsite.sync.cron", "0/2 * * * * ?").set("offsite.sync.start-delay-max", "0s")
                    .set("offsite.sync.stable-for", "0s").set("offsite.sync.quiet-period", "0m").set("offsite.sync.delete", "true")
                    .set("offsite.sync.max-delete-percent", "100")
                    .set("offsite.image.roots", machine.getParent().toString()).set("offsite.image.cron", "1/2 * * * * ?")
                    .set("offsite.image.keep", "3l").set("offsite.image.keys-dir", dir.resolve("no-keys").toString());
            ReportStore reports = new ReportStore(app.data.resolve("reports"));
            Main running = app.startRunning();
            CamelContext camel = running.getCamelContext();
            List<String> nights = new ArrayList<>();
            try {
                Held settled = null;
                Instant since = Instant.EPOCH;
                for (int night = 1; night <= NIGHTS; night++) {
                    Night done = Night.after(reports, since);
                    quiet(camel);
                    assertThat(done.sync().status()).as("night %d: %s", night, done.sync().text()).isEqualTo(RunStatus.OK);
                    assertThat(done.image().status()).as("night %d: %s", night, done.image().text()).isNotEqualTo(RunStatus.FAILED);
                    HttpResponse<String> page = app.get("/", null);
                    assertThat(page.statusCode()).isEqualTo(200);
                    if (night == SETTLED) {
                        settled = new Held(openUnder(dir), threads(), heapKept());
                    }
                    nights.add("night " + night + ": " + done.sync().headline() + " / " + done.image().headline());
                    // the next night's changes: a file added, the oldest deleted, the machine edited
                    app.write("Members/AA%06d.rdb".formatted(night), 300_000, night);
                    Files.delete(app.source.resolve("Members/AA%06d.rdb".formatted(night - 1)));
                    Files.writeString(machine.resolve("motd"), "night " + night + "\n");
                    since = Instant.now();
                    resume(camel);
                }
                Night.after(reports, since);
                quiet(camel);
                Held last = new Held(openUnder(dir), threads(), heapKept());
                Held first = settled;
                String story = "after night " + SETTLED + ": " + first + "\nafter night " + NIGHTS + ": " + last + "\n" + String.join("\n", nights);

                assertThat(last.files()).as("files held open\n%s", story)
                        .allSatisfy((path, count) -> assertThat(count).isLessThanOrEqualTo(first.files().getOrDefault(path, 0L)));
                assertThat(last.threadCount() - first.threadCount()).as("threads grown\n%s", story).isLessThanOrEqualTo(2);
                assertThat(last.heapBytes() - first.heapBytes()).as("heap grown\n%s", story).isLessThan(32L << 20);
                assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
                assertThat(List.copyOf(app.bucketFiles("trash/").keySet())).as("each deleted file kept in the trash").hasSize(NIGHTS);
            } finally {
                running.stop();
            }
        }
    }
}
