package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/offsite, as users run it (after `mvn package`): one JVM, and a class-data archive recorded by a command's first
 * run, mapped by later runs, never mapped half-written. Most cases use an install layout in a temporary folder
 * (bin/offsite, offsite.jar, lib/), so that its jar can be replaced.
 */
class LauncherIT {

    static final Path SCRIPT = Path.of("bin/offsite").toAbsolutePath();
    static final Path PROJECT = Path.of("").toAbsolutePath();

    /** One finished recording of `sync` by the shared install, copied and damaged by the cases that need one. */
    static byte[] recorded;
    /** The shared install's launcher, and the name stem (offsite-INSTALL-BUILD) it gives its archives. */
    static Path installed;
    static String stem;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    /** Output and exit code of one launch. */
    record Launch(int exit, String out) {
    }

    /** The install layout: PREFIX/bin/offsite, PREFIX/offsite.jar, PREFIX/lib (the packaged libraries). */
    static Path install(Path prefix) throws IOException {
        Files.createDirectories(prefix.resolve("bin"));
        Files.copy(SCRIPT, prefix.resolve("bin/offsite"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(PROJECT.resolve("target/offsite.jar"), prefix.resolve("offsite.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(prefix.resolve("lib"), PROJECT.resolve("target/lib"));
        return prefix.resolve("bin/offsite");
    }

    static ProcessBuilder launcher(Path script, Path cache, Map<String, String> env, List<String> args, Path out) {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(args);
        // the routes are read from the working directory, as with java -jar
        ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectOutput(out.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("OFFSITE_") || k.equals("JAVA_OPTS"));
        builder.environment().put("OFFSITE_CDS_DIR", cache.toString());
        builder.environment().putAll(env);
        return builder;
    }

    static Launch launch(Path script, Path cache, Map<String, String> env, List<String> args) throws Exception {
        Path out = Files.createTempFile(shared, "out-", ".txt");
        Process p = launcher(script, cache, env, args, out).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Launch(p.exitValue(), Files.readString(out));
    }

    /** One launch inside a memory limit, as a container engine's --memory would run it. */
    static Launch launch(MemoryLimit limit, Path script, Path cache, Map<String, String> env, List<String> args) throws Exception {
        Path out = Files.createTempFile(shared, "out-", ".txt");
        ProcessBuilder builder = launcher(script, cache, env, args, out);
        Process p = builder.command(limit.around(builder.command())).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Launch(p.exitValue(), Files.readString(out));
    }

    static List<String> cached(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A sync of one small file to the tests' S3Proxy: a command that starts the whole application. */
    static List<String> sync(Path dir) throws IOException {
        OffsiteHarness app = new OffsiteHarness(dir);
        app.write("a.rdb", 1000, 1);
        app.set("offsite.sync.stable-for", "0s");
        return List.of("--config", app.writeConfig(dir.resolve("sync.properties")).toString(), "sync");
    }

    @BeforeAll
    static void record_one() throws Exception {
        Path cache = shared.resolve("cache");
        installed = install(shared.resolve("install"));
        Launch first = launch(installed, cache, Map.of(), sync(shared.resolve("first")));
        assertThat(first.exit()).as(first.out()).isZero();
        List<String> files = cached(cache);
        assertThat(files).singleElement().asString().matches("offsite-\\d+-\\d+\\.jsa\\.\\d+\\.recording");
        recorded = Files.readAllBytes(cache.resolve(files.get(0)));
        stem = files.get(0).substring(0, files.get(0).indexOf(".jsa."));
    }

    @Test
    void a_commands_first_run_records_the_archive_and_later_runs_map_it_with_output_as_clean_as_without() throws Exception {
        Path script = install(dir.resolve("offsite"));
        Path cache = dir.resolve("cache");
        List<String> sync = sync(dir);

        Launch first = launch(script, cache, Map.of(), sync);
        assertThat(cached(cache)).as("written as it exits, under a name of its own").singleElement().asString().endsWith(".recording");
        Path classes = dir.resolve("classes.log");
        Launch later = launch(script, cache, Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), sync);
        Launch cold = launch(script, dir.resolve("unused-cache"), Map.of("OFFSITE_CDS", "false"), sync);

        assertThat(cached(cache)).as("the recording became the archive").singleElement().asString().matches("offsite-\\d+-\\d+\\.jsa");
        assertThat(Files.readString(classes)).contains("offsite.cli.SyncCommand source: shared objects file (top)");
        assertThat(cached(dir.resolve("unused-cache"))).as("OFFSITE_CDS=false: nothing recorded").isEmpty();
        for (Launch launch : List.of(first, later, cold)) {
            assertThat(launch.exit()).as(launch.out()).isZero();
            // no line of the JVM's own logging ([0.123s][warning][cds] ...) in what the command printed
            assertThat(launch.out().lines()).as(launch.out()).noneMatch(line -> line.startsWith("["));
        }
    }

    /** A recording as a killed run leaves it: the JVM writes the header last, so a cut one has none or lacks its end. */
    /** A memory limit (a container's --memory, a service's MemoryMax) and whether a command's first run records in it. */
    record Room(String name, int mib, boolean records) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Room> rooms() {
        return Stream.of(new Room("320 MiB: writing the archive as the JVM exits (about 200 MB more) would not fit", 320, false),
                new Room("1,536 MiB: it fits", 1536, true));
    }

    @ParameterizedTest
    @MethodSource("rooms")
    void a_first_run_records_the_archive_only_where_memory_leaves_room_and_ends_as_it_would_either_way(Room room) throws Exception {
        Path script = install(dir.resolve("offsite"));
        Path cache = dir.resolve("cache");
        Launch first;
        try (MemoryLimit limit = MemoryLimit.of("offsite-launcher-" + ProcessHandle.current().pid() + "-" + room.mib(), room.mib())) {
            first = launch(limit, script, cache, Map.of(), sync(dir));
        }

        // the limit's killer stopped the recording JVM as it exited, its work done: exit 137, every run, never an archive
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).contains("OK: mirror up to date");
        assertThat(cached(cache)).as("recorded").hasSize(room.records() ? 1 : 0);
    }

    @Test
    void a_first_run_whose_archive_folder_has_no_room_records_nothing_and_ends_as_it_would() throws Exception {
        Path script = install(dir.resolve("offsite"));
        Path cache = dir.resolve("small-disk");
        Launch first;
        try (SmallDisk disk = SmallDisk.mount(cache, 10)) { // a data volume nearly full: 10 MB free, the archive is 55 MB
            first = launch(script, cache, Map.of(), sync(dir));
            assertThat(cached(cache)).as("recorded").isEmpty();
        }

        // the JVM failed as it exited, its work done: "Unable to write to shared archive file", exit 1, every run
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).contains("OK: mirror up to date").doesNotContain("shared archive");
    }

    record Damage(String name, int keep, boolean zeroHeader) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Damage> damages() {
        return Stream.of(new Damage("killed while writing its regions: no header yet", Integer.MAX_VALUE, true),
                new Damage("cut short after its header", 1 << 20, false),
                new Damage("empty", 0, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void a_recording_of_a_killed_run_is_never_mapped_and_a_new_one_is_made(Damage damage) throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        // the name bin/offsite gives a recording, with the pid of a process that is gone
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path damaged = cache.resolve(stem + ".jsa." + gone.pid() + ".recording");
        Files.write(damaged, recorded);
        try (RandomAccessFile file = new RandomAccessFile(damaged.toFile(), "rw")) {
            file.setLength(Math.min(damage.keep(), recorded.length));
            if (damage.zeroHeader()) {
                file.write(new byte[4096]);
            }
        }

        Launch next = launch(installed, cache, Map.of(), sync(dir));

        assertThat(next.exit()).as(next.out()).isZero();
        assertThat(next.out()).contains("\nOK: mirror up to date");
        assertThat(damaged).doesNotExist();
        assertThat(cached(cache)).as("the damaged one deleted, not made the archive; this run recorded anew").singleElement().asString()
                .startsWith(stem + ".jsa.").endsWith(".recording");
        try (Stream<Path> left = Files.list(PROJECT)) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).as("no crash report of the verifying JVM")
                    .noneMatch(name -> name.startsWith("hs_err"));
        }
    }

    @Test
    void a_rebuilt_jar_drops_the_archive_of_the_build_before_and_records_its_own() throws Exception {
        Path script = install(dir.resolve("offsite"));
        Path cache = dir.resolve("cache");
        List<String> sync = sync(dir);
        launch(script, cache, Map.of(), sync);
        launch(script, cache, Map.of(), sync);
        String before = cached(cache).get(0);
        assertThat(before).endsWith(".jsa");

        // a rebuild: one more entry, a new time (the JVM would refuse the old archive for the time alone)
        Path jar = dir.resolve("offsite/offsite.jar");
        try (FileSystem zip = FileSystems.newFileSystem(jar)) {
            Files.writeString(zip.getPath("rebuilt.txt"), "built again");
        }
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
        Launch rebuilt = launch(script, cache, Map.of(), sync);

        assertThat(rebuilt.exit()).as(rebuilt.out()).isZero();
        assertThat(cached(cache)).singleElement().asString().endsWith(".recording").doesNotStartWith(before);
    }

    @Test
    void the_launcher_becomes_the_jvm_so_signals_and_the_exit_code_are_the_commands() throws Exception {
        Path cache = dir.resolve("cache");
        Launch usage = launch(SCRIPT, cache, Map.of(), List.of("sync", "--no-such-option"));
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.out()).contains("Unknown option: '--no-such-option'");

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
            Path source = Files.createDirectories(dir.resolve("set"));
            Files.writeString(source.resolve("a.rdb"), "a");
            Path config = Files.write(dir.resolve("hanging.properties"), List.of("offsite.s3.endpoint=http://127.0.0.1:" + silent.getLocalPort(),
                    "offsite.s3.path-style=true", "offsite.s3.access-key=k", "offsite.s3.secret-key=s", "offsite.s3.bucket=launcher",
                    "offsite.sync.source=" + source, "offsite.sync.quiet-period=0m", "offsite.data.dir=" + dir.resolve("data")));
            Process command = launcher(SCRIPT, cache, Map.of(), List.of("--config", config.toString(), "sync"), dir.resolve("hanging.txt"))
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (held.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(held).as("the command reached its first request").isNotEmpty();
            assertThat(command.info().command()).as("the launcher's process runs java itself").hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
            assertThat(command.descendants()).as("no second process").isEmpty();

            command.destroy(); // SIGTERM, to the pid the launcher was started as

            assertThat(command.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(command.exitValue()).isEqualTo(143);
        }
    }

    @Test
    void a_run_whose_heap_runs_out_ends_for_its_supervisor_to_start_it_anew() throws Exception {
        OffsiteHarness app = new OffsiteHarness(dir);
        app.write("a.rdb", 1000, 1);
        StringBuilder month = new StringBuilder();
        for (int i = 0; i < 500_000; i++) { // about 85 MB held for the status page, over a heap of 64 MB
            month.append("{\"time\":\"2026-11-02T01:02:03Z\",\"pipeline\":\"sync\",\"operation\":\"PutObject\",\"key\":\"sets/")
                    .append(i).append("\",\"bytesSent\":4096,\"bytesReceived\":0,\"millis\":3,\"outcome\":\"200\"}\n");
        }
        Files.writeString(Files.createDirectories(app.data.resolve("activity")).resolve("activity-2026-11.jsonl"), month);
        app.set("offsite.activity.held-requests", "1000000");
        Path config = app.writeConfig(dir.resolve("run.properties"));
        Path out = dir.resolve("run.txt");

        Process run = launcher(SCRIPT, dir.resolve("cache"), Map.of("OFFSITE_CDS", "false", "JAVA_OPTS", "-Xmx64m"),
                List.of("--config", config.toString(), "run"), out).start();

        // the status page's first read ran out of heap on its own thread, and the process stayed up without its page for good
        boolean ended = run.waitFor(120, TimeUnit.SECONDS);
        run.destroyForcibly();
        assertThat(ended).as(Files.readString(out)).isTrue();
        assertThat(run.exitValue()).isEqualTo(3);
        assertThat(Files.readString(out)).contains("Terminating due to java.lang.OutOfMemoryError: Java heap space");
    }

    /** A launch with bad input: the exit code and what the one line says. */
    record Refused(String name, Map<String, String> env, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refused> refusals() {
        return Stream.of(new Refused("OFFSITE_CDS neither true nor false", Map.of("OFFSITE_CDS", "maybe"),
                        "offsite: OFFSITE_CDS: 'maybe' is not valid (expected true or false)"),
                new Refused("JAVA_HOME without bin/java", Map.of("JAVA_HOME", "/nonexistent/jdk"),
                        "offsite: JAVA_HOME: '/nonexistent/jdk' has no bin/java (expected a JDK or JRE 17 or later)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void bad_launcher_settings_are_refused_naming_the_setting_and_what_was_expected(Refused refused) throws Exception {
        Launch launch = launch(SCRIPT, dir.resolve("cache"), refused.env(), List.of("--version"));

        assertThat(launch.exit()).isEqualTo(2);
        assertThat(launch.out().strip()).isEqualTo(refused.says());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"an unknown option", "a bad setting"})
    void a_first_run_that_could_not_start_leaves_no_archive_and_the_next_command_records_one(String mistake) throws Exception {
        Path script = install(dir.resolve("offsite"));
        Path cache = dir.resolve("cache");
        List<String> sync = sync(dir);
        List<String> wrong = new ArrayList<>(sync);
        wrong.add(mistake.equals("an unknown option") ? wrong.size() : wrong.size() - 1, mistake.equals("an unknown option") ? "--bogus"
                : "-Doffsite.sync.streams=abc");

        Launch failed = launch(script, cache, Map.of(), wrong);
        assertThat(failed.exit()).as(failed.out()).isEqualTo(2);
        List<String> marked = cached(cache);
        assertThat(marked).as("recorded, and marked unused by the command").hasSize(2).anyMatch(f -> f.endsWith(".recording.unused"));

        Launch next = launch(script, cache, Map.of(), sync);

        assertThat(next.exit()).as(next.out()).isZero();
        assertThat(cached(cache)).as("the unused recording dropped, not mapped; this command records anew").singleElement().asString()
                .endsWith(".recording").isNotIn(marked);
        Launch third = launch(script, cache, Map.of(), sync);
        assertThat(third.exit()).isZero();
        assertThat(cached(cache)).singleElement().asString().matches("offsite-\\d+-\\d+\\.jsa");
    }

    /** Camel's hang-up hook ran at the exit of a start that failed and logged "JVM shutdown hook triggered by SIGTERM". */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"run", "status", "sync"})
    void a_settings_error_ends_with_its_one_line_and_no_signal_nobody_sent(String command) throws Exception {
        List<String> args = List.of("--config", "config/application.properties", "-Doffsite.sync.streams=-1", command);

        Launch launch = launch(SCRIPT, dir.resolve("cache"), Map.of("OFFSITE_CDS", "false"), args);

        assertThat(launch.exit()).as(launch.out()).isEqualTo(2);
        assertThat(launch.out()).contains("offsite: offsite.sync.streams: '-1' is not valid (expected a whole number from 1 to 64)")
                .doesNotContain("SIGTERM").doesNotContain("Shutting down");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"before the command", "after the command"})
    void a_setting_given_as_an_argument_holds_for_this_run(String where) throws Exception {
        List<String> args = new ArrayList<>(List.of("--config", "config/application.properties", "sync", "--dry-run"));
        args.add(where.startsWith("before") ? 2 : 3, "-Doffsite.sync.streams=abc");

        Launch launch = launch(SCRIPT, dir.resolve("cache"), Map.of("OFFSITE_CDS", "false"), args);

        assertThat(launch.exit()).as(launch.out()).isEqualTo(2);
        assertThat(launch.out()).contains("offsite: offsite.sync.streams: 'abc' is not valid (expected a whole number from 1 to 64)");
    }

    @Test
    void the_launcher_finds_its_jar_through_a_symbolic_link_from_another_folder() throws Exception {
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("usr/local/bin")).resolve("offsite"), SCRIPT);

        Launch version = launch(link, dir.resolve("cache"), Map.of("OFFSITE_CDS", "false"), List.of("--version"));

        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out().strip()).isEqualTo("offsite 0.1.0");
    }

    /** JAVA_OPTS as given, and the JVM flags the launched JVM reports that must be there, and must not. */
    record HeapCase(String name, String javaOpts, List<String> present, List<String> absent) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<HeapCase> heaps() {
        return Stream.of(
                new HeapCase("no heap or collector given: 64 MB growing to 384 MB, serial", "", List.of("-XX:InitialHeapSize=67108864",
                        "-XX:MaxHeapSize=402653184", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"),
                        List.of("-XX:+UseG1GC")),
                new HeapCase("the user's choice on running out of heap", "-XX:+CrashOnOutOfMemoryError", List.of("-XX:+CrashOnOutOfMemoryError"),
                        List.of("-XX:+ExitOnOutOfMemoryError")),
                new HeapCase("the user's heap, the default collector", "-Xmx1g", List.of("-XX:MaxHeapSize=1073741824", "-XX:+UseSerialGC"),
                        List.of("-XX:MaxHeapSize=402653184")),
                new HeapCase("the user's share of a container's memory", "-XX:MaxRAMPercentage=50", List.of("-XX:MaxRAMPercentage=50.000000"),
                        List.of("-XX:MaxHeapSize=402653184")),
                new HeapCase("the user's collector, the default heap", "-XX:+UseG1GC", List.of("-XX:MaxHeapSize=402653184", "-XX:+UseG1GC"),
                        List.of("-XX:+UseSerialGC")));
    }

    /** A memory limit and the heap the launcher gives a JVM in it when JAVA_OPTS names none. */
    record LimitedHeap(int limitMib, long heapBytes) {
        @Override
        public String toString() {
            return limitMib + " MiB: a heap of " + (heapBytes >> 20) + " MiB";
        }
    }

    static Stream<LimitedHeap> limitedHeaps() {
        return Stream.of(new LimitedHeap(320, 160L << 20), new LimitedHeap(200, 100L << 20), new LimitedHeap(512, 384L << 20),
                new LimitedHeap(1024, 384L << 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limitedHeaps")
    void under_512_MiB_of_memory_the_default_heap_is_half_of_it_so_the_kernel_does_not_kill_the_pass(LimitedHeap c) throws Exception {
        Launch version;
        try (MemoryLimit limit = MemoryLimit.of("offsite-heap-" + ProcessHandle.current().pid() + "-" + c.limitMib(), c.limitMib())) {
            version = launch(limit, SCRIPT, dir.resolve("cache"), Map.of("OFFSITE_CDS", "false", "JAVA_OPTS", "-XX:+PrintCommandLineFlags"),
                    List.of("--version"));
        }

        assertThat(version.exit()).as(version.out()).isZero();
        String flags = version.out().lines().filter(l -> l.contains("-XX:")).findFirst().orElse("") + " ";
        assertThat(flags).contains("-XX:MaxHeapSize=" + c.heapBytes() + " ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("heaps")
    void the_launcher_sets_a_heap_and_collector_only_where_java_opts_leave_them_open(HeapCase c) throws Exception {
        Launch version = launch(SCRIPT, dir.resolve("cache"), Map.of("OFFSITE_CDS", "false", "JAVA_OPTS", (c.javaOpts() + " -XX:+PrintCommandLineFlags").strip()),
                List.of("--version"));

        assertThat(version.exit()).as(version.out()).isZero();
        String flags = version.out().lines().filter(l -> l.contains("-XX:")).findFirst().orElse("") + " ";
        for (String flag : c.present()) {
            assertThat(flags).contains(flag + " ");
        }
        for (String flag : c.absent()) {
            assertThat(flags).doesNotContain(flag + " ");
        }
    }
}
