package offsite.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import offsite.OffsiteApp;
import offsite.cli.OffsiteCommand;
import offsite.report.SyncReport;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.sync.Pass;
import offsite.sync.SyncRequest;
import org.apache.camel.main.Main;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs the real application (Camel Main, routes/ from the project, the configuration class) against S3Proxy,
 * one process-like start per pass, as the `sync` command does; and looks at the bucket afterwards.
 */
public final class OffsiteHarness implements AutoCloseable {

    public final Path source;
    public final Path data;
    public final S3Settings s3;
    public final S3Client client;
    private final Map<String, String> settings = new HashMap<>();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A page that does not answer fails its test in this time, not at the build's limit. */
    public static final Duration ANSWER_WITHIN = Duration.ofMinutes(1);
    /** A schedule that does not fire while a test runs. */
    private static final String NEVER_IN_A_TEST = "0 0 0 1 1 ? 2099";

    public OffsiteHarness(Path dir) throws IOException {
        this(dir, TestS3.freshBucket());
    }

    /** The app against another S3 server than the shared one (a server a test restarts); the bucket exists. */
    public OffsiteHarness(Path dir, S3Settings s3) throws IOException {
        source = Files.createDirectories(dir.resolve("set"));
        data = Files.createDirectories(dir.resolve("data"));
        this.s3 = s3;
        client = S3ClientFactory.create(s3);
        settings.put("offsite.s3.endpoint", s3.endpoint().toString());
        settings.put("offsite.s3.access-key", s3.accessKey());
        settings.put("offsite.s3.secret-key", s3.secretKey());
        settings.put("offsite.s3.bucket", s3.bucket());
        settings.put("offsite.s3.path-style", "true");
        settings.put("offsite.s3.list-recursive", String.valueOf(s3.listRecursive()));
        settings.put("offsite.s3.max-attempts", "2");
        settings.put("offsite.data.dir", data.toString());
        settings.put("offsite.sync.source", source.toString());
        settings.put("offsite.mode", "sync");
        settings.put("offsite.sync.scheduled", "false");
        settings.put("offsite.sync.run-on-start", "false");
        settings.put("offsite.sync.stable-for", "1m");
        settings.put("offsite.sync.quiet-period", "0m");
        settings.put("offsite.sync.multipart-threshold", "5MB");
        settings.put("offsite.sync.part-size", "5MB");
        settings.put("offsite.sync.streams", "3");
        settings.put("camel.main.routes-include-pattern", "file:routes/*.yaml");
        settings.put("offsite.http.port", String.valueOf(freePort()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public int httpPort() {
        return Integer.parseInt(settings.get("offsite.http.port"));
    }

    /** GET of a path of the running process's status page, with this Authorization header (null: none). */
    public HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path)).timeout(ANSWER_WITHIN);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Starts the long-running process (status page, schedules off unless a test sets a cron); stop it with close() on
     * the returned Main. The shipped image cron fires on every hour: a test running across one would see a second backup.
     */
    public Main startRunning() throws Exception {
        Map<String, String> running = new HashMap<>(settings);
        running.put("offsite.mode", "run");
        for (String cron : List.of("offsite.image.cron", "offsite.offline.cron", "offsite.image.verify-cron",
                "offsite.sync.verify-cron")) {
            running.putIfAbsent(cron, NEVER_IN_A_TEST);
        }
        Main main = OffsiteApp.create(null, running);
        main.start();
        return main;
    }

    public OffsiteHarness set(String name, String value) {
        settings.put(name, value);
        return this;
    }

    public SyncReport sync() {
        return pass(false).report();
    }

    public SyncReport dryRun() {
        return pass(true).report();
    }

    /** A dry run's pass as it ended, as verify runs it: its plan, and what planning hashed. */
    public Pass dryRunPass() {
        return pass(true);
    }

    private Pass pass(boolean dryRun) {
        Main main = OffsiteApp.create(null, settings);
        try {
            main.start();
            SyncRequest request = SyncRequest.command(dryRun, false, false);
            main.getCamelContext().createProducerTemplate().sendBody("direct:sync", request);
            return request.pass();
        } catch (Exception e) {
            throw new IllegalStateException("the application failed: " + e.getMessage(), e);
        } finally {
            try {
                main.stop();
            } catch (Exception ignored) {
                // stopping a failed start
            }
        }
    }

    /** What a command printed on standard output, and its exit code. */
    public record CommandResult(int exit, String out) {
    }

    /** These settings as a properties file, for a child process. */
    public Path writeConfig(Path file) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        p.remove("offsite.mode");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "written by OffsiteHarness");
        }
        return file;
    }

    /** Runs a command of the real command line with these settings in a config file, capturing its output. */
    public CommandResult command(String... args) throws IOException {
        Path config = data.resolveSibling("test-application.properties");
        Properties p = new Properties();
        p.putAll(settings);
        p.remove("offsite.mode");
        try (OutputStream out = Files.newOutputStream(config)) {
            p.store(out, "written by OffsiteHarness");
        }
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = OffsiteCommand.execute(all);
            return new CommandResult(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    /** Writes size random bytes to the source file, with a modification time an hour back (stable). */
    public Path write(String relative, int size, long seed) throws IOException {
        Path file = source.resolve(relative);
        Files.createDirectories(file.getParent());
        byte[] block = new byte[64 * 1024];
        Random random = new Random(seed);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int left = size; left > 0; left -= block.length) {
                random.nextBytes(block);
                out.write(block, 0, Math.min(left, block.length));
            }
        }
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        return file;
    }

    /** Every regular file of the source by relative path, with the SHA-256 of its bytes. */
    public Map<String, String> sourceFiles() throws IOException {
        return digests(source);
    }

    /** Every regular file under root by relative path ('/' separated), with the SHA-256 of its bytes. */
    public static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString().replace('\\', '/'), sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    /** Every object under the prefix by key less prefix, with the SHA-256 of its bytes. */
    public Map<String, String> bucketFiles(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (S3Object o : TestS3.list(client, s3.bucket(), prefix)) {
            if (!o.key().endsWith("/")) {
                out.put(o.key().substring(prefix.length()),
                        sha256(client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(o.key())).asByteArray()));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public int pendingUploads() {
        return client.listMultipartUploads(b -> b.bucket(s3.bucket())).uploads().size();
    }

    @Override
    public void close() {
        client.close();
    }
}
