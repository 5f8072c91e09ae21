package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar run as users run it: `java -jar offsite.jar COMMAND`, with its class-data archive in a cache folder. */
class ArchiveLauncherIT {

    static final Path JAR = Path.of("target/offsite.jar").toAbsolutePath();
    static final List<String> COST = List.of("cost", "--full-size", "1G", "--growth", "100K/1w", "--interval", "1h", "--keep", "24h,7d");

    @TempDir
    Path dir;

    /** `java OPTIONS -jar offsite.jar ARGS` with the cache folder in the test's directory; output and error to out. */
    ProcessBuilder jar(List<String> jvmOptions, List<String> args, Path out) {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(true);
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        builder.environment().remove("OFFSITE_CDS");
        return builder;
    }

    Process start(List<String> args, boolean cds) throws IOException {
        ProcessBuilder builder = jar(List.of(), args, dir.resolve("out-" + System.nanoTime() + ".txt"));
        builder.environment().put("OFFSITE_CDS", String.valueOf(cds));
        return builder.start();
    }

    String run(List<String> jvmOptions, List<String> args, int expectedExit) throws Exception {
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p = jar(jvmOptions, args, out).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(out);
        assertThat(p.exitValue()).as(output).isEqualTo(expectedExit);
        return output;
    }

    List<String> cached() throws IOException {
        Path cache = dir.resolve("cache/offsite");
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void a_commands_first_run_records_its_archive_and_later_runs_load_their_classes_from_it() throws Exception {
        String first = run(List.of(), COST, 0);
        assertThat(cached()).singleElement().asString().startsWith("offsite-").endsWith("-cost.jsa");

        String later = run(List.of("-Xlog:class+load=info:file=" + dir.resolve("classes-%p.log")), COST, 0);

        // what the command alone prints: neither child adds a line (a CDS or compiler note would show here)
        assertThat(first).isEqualTo(run(List.of("-Doffsite.cds=false"), COST, 0));
        assertThat(later).isEqualTo(first);
        List<String> loads = new ArrayList<>();
        try (Stream<Path> logs = Files.list(dir).filter(p -> p.getFileName().toString().startsWith("classes-"))) {
            for (Path log : logs.toList()) {
                loads.addAll(Files.readAllLines(log));
            }
        }
        assertThat(loads).anyMatch(line -> line.contains("offsite.cli.CostCommand source: shared objects file (top)"));
        assertThat(cached()).hasSize(1);
    }

    @Test
    void a_usage_error_keeps_its_exit_code_and_records_nothing() throws Exception {
        String output = run(List.of(), List.of("sync", "--no-such-option"), 2);

        assertThat(output).contains("Unknown option: '--no-such-option'");
        assertThat(cached()).isEmpty();
    }

    @Test
    void the_command_stops_with_its_launcher_whether_killed_or_terminated() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never answered: the command waits on its first request
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            accept.setDaemon(true);
            accept.start();
            Path config = hangingSyncConfig(silent.getLocalPort());
            for (boolean kill : new boolean[] {true, false}) {
                Process launcher = start(List.of("--config", config.toString(), "sync"), true);
                ProcessHandle child = awaitChild(launcher);
                Thread.sleep(1_500); // the child is on its way to its first request

                if (kill) {
                    launcher.destroyForcibly(); // SIGKILL: no shutdown hook runs in the launcher
                } else {
                    launcher.destroy(); // SIGTERM: the launcher passes it on and waits
                }

                assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.onExit().get(10, TimeUnit.SECONDS).isAlive()).as(kill ? "after SIGKILL" : "after SIGTERM").isFalse();
            }
            // neither stopped recording is kept; what the killed launcher could not delete, the next recording sweeps away
            run(List.of(), COST, 0);
            assertThat(cached()).singleElement().asString().endsWith("-cost.jsa");
        }
    }

    @Test
    void with_offsite_cds_false_the_command_runs_in_the_jvm_that_was_started() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Process single = start(List.of("--config", hangingSyncConfig(silent.getLocalPort()).toString(), "sync"), false);
            try {
                Thread.sleep(2_000);
                assertThat(single.isAlive()).isTrue();
                assertThat(single.descendants().filter(ProcessHandle::isAlive)).isEmpty();
            } finally {
                single.destroyForcibly().waitFor();
            }
            assertThat(cached()).isEmpty();
        }
    }

    private ProcessHandle awaitChild(Process launcher) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            var child = launcher.children().findFirst();
            if (child.isPresent()) {
                return child.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the launcher started no child JVM");
    }

    private Path hangingSyncConfig(int port) throws IOException {
        Path source = Files.createDirectories(dir.resolve("set"));
        Files.writeString(source.resolve("a.rdb"), "a");
        return Files.write(dir.resolve("hanging.properties"), List.of(
                "offsite.s3.endpoint=http://127.0.0.1:" + port, "offsite.s3.path-style=true", "offsite.s3.access-key=k",
                "offsite.s3.secret-key=s", "offsite.s3.bucket=launcher", "offsite.sync.source=" + source,
                "offsite.sync.quiet-period=0m", "offsite.data.dir=" + dir.resolve("data")));
    }
}
