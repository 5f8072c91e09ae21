package offsite.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import offsite.store.S3Settings;
import org.junit.jupiter.api.Assumptions;

/**
 * Ceph RGW (Debian's radosgw 16.2.15, a production S3 implementation) on loopback, started by the shared
 * shared/ceph-rgw/rgw.sh beside the project (or OFFSITE_RGW_SCRIPT): one single-node cluster per test JVM, about 6 s
 * and 120 MB, stopped at exit. Tests skip, saying so, when the script or radosgw is absent; a start that fails where
 * both are present fails them, so CI cannot pass without it.
 */
public final class CephRgw {

    private static S3Settings base;
    private static String unavailable;
    private static IllegalStateException failed;

    private CephRgw() {
    }

    public static final S3Implementation IMPLEMENTATION = new S3Implementation("Ceph RGW 16.2",
            Set.of("HeadObject partNumber", "CompleteMultipartUpload ETag"), CephRgw::freshBucket);

    /** A new, empty bucket on the shared RGW. */
    public static S3Settings freshBucket() {
        return S3Implementation.created(settings(S3Implementation.uniqueBucket()));
    }

    private static synchronized S3Settings settings(String bucket) {
        if (base == null && unavailable == null && failed == null) {
            try {
                start();
            } catch (IOException | RuntimeException e) {
                failed = new IllegalStateException("cannot start Ceph RGW: " + e.getMessage(), e);
            }
        }
        Assumptions.assumeTrue(unavailable == null, () -> "Ceph RGW: " + unavailable);
        if (failed != null) {
            throw failed;
        }
        return new S3Settings(base.endpoint(), base.region(), true, base.accessKey(), base.secretKey(), bucket,
                S3Settings.ChecksumMode.WHEN_REQUIRED, base.maxAttempts(), true, false);
    }

    private static void start() throws IOException {
        Path script = script();
        if (script == null) {
            unavailable = "shared/ceph-rgw/rgw.sh is not beside the project (nor named by OFFSITE_RGW_SCRIPT)";
            return;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/radosgw")) && !Files.isExecutable(Path.of("/usr/local/bin/radosgw"))) {
            unavailable = "radosgw is not installed (as root: bash " + script + " install)";
            return;
        }
        // rgw.sh refuses paths with spaces; the default temp dir has none
        Path dir = Files.createTempDirectory("offsite-rgw");
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        ProcessBuilder start = new ProcessBuilder("bash", script.toString(), "start", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        start.environment().put("RGW_BUCKET", ""); // each test creates its own
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(script, dir, log)));
        run(start, log, "rgw.sh start");
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("env"))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        base = new S3Settings(URI.create(env.get("RGW_URL")), env.getOrDefault("RGW_REGION", "us-east-1"), true, env.get("RGW_ACCESS_KEY"),
                env.get("RGW_SECRET_KEY"), "placeholder", S3Settings.ChecksumMode.WHEN_REQUIRED, 3, true, false);
    }

    private static void stop(Path script, Path dir, Path log) {
        try {
            run(new ProcessBuilder("bash", script.toString(), "stop", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())), log, "rgw.sh stop");
        } catch (IOException | RuntimeException e) {
            System.err.println("Ceph RGW: " + e.getMessage());
            return; // its files stay for a look, with its daemons
        }
        ScratchDirs.delete(dir);
        ScratchDirs.delete(log);
    }

    private static void run(ProcessBuilder command, Path log, String what) throws IOException {
        Process p = command.start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroy();
                throw new IOException(what + " took over 5 minutes: " + S3rver.tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(what + " interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " exited with " + p.exitValue() + ": " + S3rver.tail(log));
        }
    }

    /** OFFSITE_RGW_SCRIPT, or shared/ceph-rgw/rgw.sh in the project's parent folder or one above it. */
    private static Path script() {
        String named = System.getenv("OFFSITE_RGW_SCRIPT");
        if (named != null && !named.isBlank()) {
            return Files.isRegularFile(Path.of(named)) ? Path.of(named) : null;
        }
        for (Path dir = Path.of("").toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/ceph-rgw/rgw.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
