package offsite.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import offsite.store.S3Settings;
import org.junit.jupiter.api.Assumptions;

/**
 * s3rver 3.7.1 (npm package `s3rver`, a Node.js S3 emulator over a directory) on a free loopback port with a fresh
 * directory, one per test JVM, stopped at exit. Installed with npm into target/s3rver on first use. Without Node or
 * npm the tests that need it are skipped, saying so.
 *
 * <p>Its own limits, beside what it lacks: its folder listings (delimiter) leave out folders that hold only folders,
 * so it is listed recursively; its continuation tokens need OpenSSL's legacy DES cipher; a copy cannot name a source
 * key with '+', '#', '?' or '&amp;' (404); a key that is also a folder's name cannot be stored; GetBucketVersioning is
 * answered with a listing (read as unversioned); it checks no SigV4 signature, so a wrong secret key passes (an unknown access
 * key is refused: 403 InvalidAccessKeyId).
 */
public final class S3rver {

    static final String VERSION = "3.7.1";
    /** s3rver's one built-in account. */
    private static final String KEY = "S3RVER";

    private static S3Settings base;
    private static String unavailable;

    private S3rver() {
    }

    public static final S3Implementation IMPLEMENTATION = new S3Implementation("s3rver " + VERSION, Set.of("ListMultipartUploads",
            "ListParts", "AbortMultipartUpload", "UploadPartCopy", "CopyObject source names", "HeadObject partNumber", "multipart ETag"),
            S3rver::freshBucket);

    /** A new, empty bucket on the shared s3rver. */
    public static S3Settings freshBucket() {
        return S3Implementation.created(settings(S3Implementation.uniqueBucket()));
    }

    private static synchronized S3Settings settings(String bucket) {
        if (base == null && unavailable == null) {
            start();
        }
        Assumptions.assumeTrue(unavailable == null, () -> "s3rver: " + unavailable);
        // its folder listings leave out folders that hold only folders: one recursive listing instead
        return new S3Settings(base.endpoint(), base.region(), true, KEY, KEY, bucket, S3Settings.ChecksumMode.WHEN_REQUIRED,
                base.maxAttempts(), true, false, true);
    }

    private static void start() {
        try {
            Path script = installed();
            if (script == null) {
                return;
            }
            Path dir = Files.createTempDirectory("offsite-s3rver");
            int port = freePort();
            Path log = dir.resolveSibling(dir.getFileName() + ".log");
            List<String> command = new ArrayList<>(List.of("node"));
            if (nodeMajorVersion() >= 17) {
                // its continuation tokens are DES-encrypted, a cipher OpenSSL 3 keeps in its legacy provider
                command.add("--openssl-legacy-provider");
            }
            command.addAll(List.of(script.toString(), "--directory", dir.toString(), "--address", "127.0.0.1", "--port",
                    String.valueOf(port), "--silent", "--no-vhost-buckets"));
            Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.destroy();
                try {
                    server.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                ScratchDirs.delete(dir);
                ScratchDirs.delete(log);
            }));
            awaitPort(server, port, log);
            base = new S3Settings(URI.create("http://127.0.0.1:" + port), "us-east-1", true, KEY, KEY, "placeholder",
                    S3Settings.ChecksumMode.WHEN_REQUIRED, 3, true, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start s3rver: " + e.getMessage(), e);
        }
    }

    /** The s3rver start script under target/s3rver, installed with npm when missing; null (and why) when npm is not here. */
    private static Path installed() throws IOException {
        Path prefix = Path.of("target", "s3rver").toAbsolutePath();
        Path script = prefix.resolve("node_modules/s3rver/bin/s3rver.js");
        if (Files.isRegularFile(script)) {
            return script;
        }
        if (!onPath("node") || !onPath("npm")) {
            unavailable = "Node.js and npm are not installed (s3rver runs on Node)";
            return null;
        }
        Files.createDirectories(prefix);
        Path log = prefix.resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", prefix.toString(), "s3rver@" + VERSION)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isRegularFile(script)) {
                npm.destroy();
                throw new IOException("npm install s3rver@" + VERSION + " failed: " + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while npm installed s3rver", e);
        }
        return script;
    }

    private static int nodeMajorVersion() throws IOException {
        Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        String version = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Matcher m = Pattern.compile("v(\\d+)\\.").matcher(version);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static void awaitPort(Process server, int port, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("s3rver exited with " + server.exitValue() + ": " + tail(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while s3rver started", e);
                }
            }
        }
        server.destroy();
        throw new IOException("s3rver did not listen on 127.0.0.1:" + port + " within 30 s: " + tail(log));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
