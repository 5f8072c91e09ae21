package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: one `run` process through many short nights of both pipelines (a cron every 2 s), the set changing each
 * night (a file added, one deleted into the trash, the machine edited) and the status page read after each. Whatever a
 * night opens it gives back: no file of the data directory, the set or the machine stays open, and the process's threads
 * do not grow with the nights.
 */
class ManyNightsTest {

    private static final int NIGHTS = 14;
    /** Nights before the count is taken: the pools have started, the page has been served. */
    private static final int SETTLED = 3;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    /** The files under this test's folder the process holds open, by path, from /proc/self/fd. */
    private Map<String, Long> openUnder(Path root) throws IOException {
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



    @Test
    void a_night_gives_back_every_file_and_thread_it_took() throws Exception {
        Path machine = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(machine.resolve("hostname"), "excalibur\n");
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            app.write("Members/AA000000.rdb", 300_000, 0);
            app.set("offsite.sync.scheduled", "true").set("offsite.sync.cron", "0/2 * * * * ?").set("offsite.sync.start-delay-max", "0s")
                    .set("offsite.sync.stable-for", "0s").set("offsite.sync.delete", "true").set("offsite.sync.max-delete-percent", "100")
                    .set("offsite.image.roots", machine.getParent().toString()).set("offsite.image.cron", "1/2 * * * * ?")
                    .set("offsite.image.keep", "3l").set("offsite.image.keys-dir", dir.resolve("no-keys").toString());
            ReportStore reports = new ReportStore(app.data.resolve("reports"));
            Main running = app.startRunning();
            try {
                Map<String, Long> settledFiles = null;
                Map<String, Long> settledThreads = null;
                Instant since = Instant.EPOCH;
                for (int night = 1; night <= NIGHTS; night++) {
                    Night done = Night.after(reports, since);
                    assertThat(done.sync().status()).as("night %d: %s", night, done.sync().text()).isEqualTo(RunStatus.OK);
                    assertThat(done.image().status()).as("night %d: %s", night, done.image().text()).isNotEqualTo(RunStatus.FAILED);
                    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(page.statusCode()).isEqualTo(200);
                    // the next night's changes: a file added, the oldest deleted, the machine edited
                    app.write("Members/AA%06d.rdb".formatted(night), 300_000, night);
                    Files.delete(app.source.resolve("Members/AA%06d.rdb".formatted(night - 1)));
                    Files.writeString(machine.resolve("motd"), "night " + night + "\n");
                    since = Instant.now();
                    if (night == SETTLED) {
                        settledFiles = openUnder(dir);
                        settledThreads = threads();
                    }
                }
                Night last = Night.after(reports, since);
                assertThat(last.sync().status()).isEqualTo(RunStatus.OK);
                // counted between two nights: the one that just finished and the next, two seconds away at most
                Map<String, Long> files = openUnder(dir);
                Map<String, Long> threads = threads();
                Map<String, Long> before = settledFiles;
                assertThat(files).as("files held open after %d nights (after %d: %s)", NIGHTS, SETTLED, before)
                        .allSatisfy((path, count) -> assertThat(count).isLessThanOrEqualTo(before.getOrDefault(path, 0L)));
                long grown = threads.values().stream().mapToLong(Long::longValue).sum()
                        - settledThreads.values().stream().mapToLong(Long::longValue).sum();
                assertThat(grown).as("threads after %d nights %s, after %d %s", NIGHTS, threads, SETTLED, settledThreads)
                        .isLessThanOrEqualTo(2);
                assertThat(app.bucketFiles("sets/")).isEqualTo(app.sourceFiles());
                assertThat(List.copyOf(app.bucketFiles("trash/").keySet())).as("each deleted file kept in the trash")
                        .hasSize(NIGHTS);
            } finally {
                running.stop();
            }
        }
    }
}
