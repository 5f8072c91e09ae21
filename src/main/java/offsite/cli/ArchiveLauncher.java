package offsite.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Runs a one-shot command in a child JVM that maps a class-data archive of this jar (AppCDS), which the command's
 * first run records into ~/.cache/offsite (about 50 MB a command): later runs start about 1.5 s sooner and spend
 * about half the CPU getting there (docs/benchmarks.md, Start-up). `java -jar` cannot give the JVM options itself, hence the child.
 * Not used for the long-running process, when the JVM already has CDS options (the container's entrypoint), outside
 * the packaged jar, or with OFFSITE_CDS=false / -Doffsite.cds=false; if anything is amiss the command runs here.
 */
final class ArchiveLauncher {

    /** Set on the child's command line: the child runs the command itself. */
    static final String CHILD = "offsite.cds.child";

    private static final Set<String> ONE_SHOT = Set.of("sync", "verify", "restore-set", "image", "restore-image", "status", "cost");

    /**
     * For the commands whose heavy work is hashing: the optimizing compiler (C2) only for the JDK's digests, the rest
     * stays with C1. C2's compiles of start-up code cost a no-op sync about 1 s of CPU and never paid off in so short a
     * run; the digests keep their intrinsic speed. The image commands' delta and compression code keeps C2.
     */
    private static final Set<String> HASHING = Set.of("sync", "verify", "restore-set", "status", "cost");
    private static final List<String> C2_FOR_DIGESTS_ONLY = List.of("-XX:Tier4InvocationThreshold=1000000",
            "-XX:Tier4MinInvocationThreshold=1000000", "-XX:Tier4CompileThreshold=1000000", "-XX:Tier4BackEdgeThreshold=100000000",
            "-XX:CompileCommand=quiet", "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.*::*,0.0001");

    private ArchiveLauncher() {
    }

    /** The child's exit code, or empty when the command is to run in this JVM. */
    static OptionalInt launch(String[] args) {
        if (Boolean.getBoolean(CHILD)) {
            stopWithParent();
            return OptionalInt.empty();
        }
        if ("false".equalsIgnoreCase(System.getenv("OFFSITE_CDS")) || "false".equalsIgnoreCase(System.getProperty("offsite.cds"))
                || !ONE_SHOT.contains(command(args))) {
            return OptionalInt.empty();
        }
        Optional<List<String>> jvmOptions = jvmOptions(args);
        Optional<Path> jar = jar();
        Optional<Path> cache = cacheDir();
        if (jvmOptions.isEmpty() || jar.isEmpty() || cache.isEmpty()
                || jvmOptions.get().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile") || o.startsWith("-XX:ArchiveClassesAtExit")
                        || o.startsWith("-Xshare"))) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(runChild(jvmOptions.get(), jar.get(), cache.get(), args));
        } catch (IOException e) {
            return OptionalInt.empty(); // the command runs in this JVM instead
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.of(130);
        }
    }

    /** The subcommand: the first word that is neither an option nor --config's value. */
    static String command(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i];
            } else if (args[i].equals("--help") || args[i].equals("-h") || args[i].equals("--version") || args[i].equals("-V")) {
                return "";
            }
        }
        return "";
    }

    private static int runChild(List<String> jvmOptions, Path jar, Path cache, String[] args) throws IOException, InterruptedException {
        // one archive per command (each loads its own classes), per build of this jar and per JDK
        String ofJar = "offsite-" + Integer.toHexString(jar.toString().hashCode()) + "-";
        String ofBuild = ofJar + Integer.toHexString(List.of(Files.size(jar), Files.getLastModifiedTime(jar).toMillis(),
                System.getProperty("java.home"), System.getProperty("java.vm.version")).hashCode()) + "-";
        Path archive = cache.resolve(ofBuild + command(args) + ".jsa");
        boolean recording = !Files.isReadable(archive);
        Path recorded = cache.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        if (recording) {
            sweepAbandoned(cache, ofJar);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-D" + CHILD + "=true");
        command.add(recording ? "-XX:ArchiveClassesAtExit=" + recorded : "-XX:SharedArchiveFile=" + archive);
        command.add("-Xlog:cds*=off");
        if (HASHING.contains(command(args))) {
            command.addAll(C2_FOR_DIGESTS_ONLY);
        }
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(Arrays.asList(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
        // SIGTERM or Ctrl-C here: the child stops the same way, and this JVM waits for it
        Thread forward = new Thread(() -> {
            child.destroy();
            try {
                child.waitFor();
                Files.deleteIfExists(recorded); // a stopped command's recording is not kept
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the next recording's sweep deletes it
            }
        }, "offsite-child-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        int code = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(forward);
        if (recording) {
            keep(recorded, archive, ofJar, ofBuild, code);
        }
        return code;
    }

    /** A recording of a command that ran (exit 0 or 1, not a usage error) is kept; earlier builds' archives go. */
    private static void keep(Path recorded, Path archive, String ofJar, String ofBuild, int code) {
        try {
            if (Files.isRegularFile(recorded) && (code == 0 || code == 1)) {
                try (DirectoryStream<Path> old = Files.newDirectoryStream(recorded.getParent(), ofJar + "*.jsa")) {
                    for (Path p : old) {
                        if (!p.getFileName().toString().startsWith(ofBuild)) {
                            Files.deleteIfExists(p);
                        }
                    }
                }
                Files.move(recorded, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // another command recorded it at the same moment, or the cache is not writable: next run records again
        } finally {
            try {
                Files.deleteIfExists(recorded);
            } catch (IOException ignored) {
                // left for the next recording's sweep
            }
        }
    }

    /** Recordings (about 50 MB each) left by launchers that were killed while their command ran: their pid is gone. */
    private static void sweepAbandoned(Path cache, String ofJar) {
        try (DirectoryStream<Path> recordings = Files.newDirectoryStream(cache, ofJar + "*.jsa.*.tmp")) {
            for (Path p : recordings) {
                String name = p.getFileName().toString();
                String pid = name.substring(name.lastIndexOf(".jsa.") + 5, name.length() - 4);
                try {
                    if (ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive).isEmpty()) {
                        Files.deleteIfExists(p);
                    }
                } catch (NumberFormatException notOurs) {
                    // not a name this launcher writes: left alone
                }
            }
        } catch (IOException e) {
            // the next recording sweeps again
        }
    }

    /** The child stops at once when the launching JVM is gone (killed with SIGKILL): it must not go on alone. */
    private static void stopWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> {
            Thread watch = new Thread(() -> {
                while (parent.isAlive()) {
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                Runtime.getRuntime().halt(137);
            }, "offsite-parent-watch");
            watch.setDaemon(true);
            watch.start();
        });
    }

    /** The JVM's own options, from its command line: what precedes `-jar`. Empty when not started with -jar. */
    private static Optional<List<String>> jvmOptions(String[] args) {
        Optional<String[]> line = ProcessHandle.current().info().arguments();
        if (line.isEmpty()) {
            return Optional.empty();
        }
        List<String> all = Arrays.asList(line.get());
        int jar = all.indexOf("-jar");
        if (jar < 0 || all.size() != jar + 2 + args.length) {
            return Optional.empty();
        }
        return Optional.of(all.subList(0, jar));
    }

    private static Optional<Path> jar() {
        try {
            Path self = Path.of(ArchiveLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(self) && self.toString().endsWith(".jar") ? Optional.of(self) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** $XDG_CACHE_HOME/offsite or ~/.cache/offsite, when it can be written. */
    private static Optional<Path> cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = base.resolve("offsite");
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? Optional.of(dir) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
