package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import offsite.testing.Gpg;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the packaged jar run with recognisable secrets (the S3 secret key, the status page password,
 * the OpenPGP key passphrase, passwords inside backed-up files), then every output scanned for them: standard
 * output and error (logs included), each file under the data directory, and every page and API answer.
 */
class SecretsNeverShownIT {

    static final String HTTP_PASSWORD = "Pw-Recognisable-7361";
    static final String PASSPHRASE = "Passphrase-Recognisable-9142";
    static final String SHADOW_HASH = "$6$Recognisable$ShadowHash4417";
    static final String DB_PASSWORD = "Dbpw-Recognisable-5530";

    @TempDir
    Path dir;

    final List<String> outputs = new ArrayList<>();

    @Test
    void no_secret_reaches_an_output_of_any_command() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Members/AA000001.rdb", 6 << 20, 1);
            app.write("Set A.rbc", 4000, 2);
            Path tree = Files.createDirectories(dir.resolve("machine/etc"));
            Files.writeString(tree.resolve("shadow"), "root:" + SHADOW_HASH + ":19000:0:99999:7:::\n");
            Files.writeString(tree.resolve("app.env"), "DB_HOST=db\nDB_PASSWORD=" + DB_PASSWORD + "\n");
            Files.setLastModifiedTime(tree.resolve("app.env"), FileTime.fromMillis(1_600_000_000_000L));
            Path keys = Files.createDirectories(dir.resolve("keys"));
            Path secretKey = dir.resolve("admin.sec.asc");
            new Gpg(dir.resolve("gpg")).newKey("Admin <admin@example.org>", keys.resolve("admin.asc"), secretKey, PASSPHRASE);
            app.set("offsite.image.roots", tree.toString()).set("offsite.image.secrets", tree + "/shadow," + tree + "/app.env")
                    .set("offsite.image.keys-dir", keys.toString()).set("offsite.http.user", "admin").set("offsite.http.password", HTTP_PASSWORD)
                    // the same key signs the manifests: its passphrase is a setting now, read at every image command's start
                    .set("offsite.image.signing-key", secretKey.toString()).set("offsite.image.signing-passphrase", PASSPHRASE)
                    .set("offsite.image.verify-key", keys.resolve("admin.asc").toString());
            Path config = app.writeConfig(dir.resolve("secret.properties"));

            run(config, 0, "sync");
            run(config, 0, "sync", "--dry-run");
            run(config, 0, "verify", "--deep", "1");
            run(config, 0, "restore-set", "--to", dir.resolve("restored-set").toString());
            run(config, 0, "image");
            Files.writeString(tree.resolve("motd"), "changed\n");
            run(config, 0, "image");
            run(config, 0, "restore-image", "--to", dir.resolve("restored-image").toString(), "--with-secrets", "--secret-key",
                    secretKey.toString(), "--passphrase-env", "OFFSITE_TEST_PASSPHRASE");
            try (Stream<Path> restored = Files.walk(dir.resolve("restored-image"))) {
                Path shadow = restored.filter(f -> f.getFileName().toString().equals("shadow")).findFirst().orElseThrow();
                assertThat(Files.readString(shadow)).as("the restore itself has the secrets back").contains(SHADOW_HASH);
            }
            run(config, 1, "restore-image", "--to", dir.resolve("wrong-passphrase").toString(), "--with-secrets", "--secret-key",
                    secretKey.toString(), "--passphrase-env", "OFFSITE_WRONG_PASSPHRASE");
            run(config, 0, "verify-image", "--deep");
            Path wrongSigning = dir.resolve("wrong-signing.properties");
            Files.writeString(wrongSigning, Files.readString(config).replace("offsite.image.signing-passphrase=" + PASSPHRASE,
                    "offsite.image.signing-passphrase=" + PASSPHRASE + "x") + "\n");
            run(wrongSigning, 2, "image"); // refused at start: the message names the setting and the file, never the passphrase
            run(config, 0, "status");
            run(config, 0, "cost", "--full-size", "10GB", "--growth", "1GB/day", "--interval", "1h", "--keep", "24h,7d,5w,6m");
            Path wrongKey = dir.resolve("wrong-key.properties");
            Files.writeString(wrongKey, Files.readString(config).replace("offsite.s3.secret-key=", "offsite.s3.secret-key=Wrong") + "\n");
            run(wrongKey, 1, "sync");
            pages(config, app.httpPort());

            List<String> secrets = List.of(app.s3.secretKey(), HTTP_PASSWORD, PASSPHRASE, SHADOW_HASH, DB_PASSWORD,
                    Base64.getEncoder().encodeToString(("admin:" + HTTP_PASSWORD).getBytes(StandardCharsets.UTF_8)));
            try (Stream<Path> files = Files.walk(app.data)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    outputs.add("file " + f + "\n" + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(outputs).as("outputs scanned").hasSizeGreaterThan(20);
            for (String output : outputs) {
                for (String secret : secrets) {
                    assertThat(output).as("a secret in " + output.lines().findFirst().orElse("")).doesNotContain(secret);
                }
            }
            assertThat(String.join("\n", outputs)).as("the scan saw the runs it judges").contains("OK: mirror up to date")
                    .contains("full backup").contains("diff backup");
        }
    }

    private void run(Path config, int expectedExit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", Path.of("target/offsite.jar").toAbsolutePath().toString(), "--config",
                config.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OFFSITE_TEST_PASSPHRASE", PASSPHRASE);
        pb.environment().put("OFFSITE_WRONG_PASSPHRASE", "not-it");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        outputs.add("command " + String.join(" ", args) + "\n" + out);
        assertThat(p.exitValue()).as(String.join(" ", args) + ":\n" + out).isEqualTo(expectedExit);
    }

    /** The running process: every page and API answer, with and without the password. */
    private void pages(Path config, int port) throws Exception {
        Process running = new ProcessBuilder("java", "-jar", Path.of("target/offsite.jar").toAbsolutePath().toString(), "--config",
                config.toString(), "run").redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + HTTP_PASSWORD).getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                            .timeout(OffsiteHarness.ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.discarding());
                    break;
                } catch (IOException notYet) {
                    assertThat(System.nanoTime()).as("the status page never came up").isLessThan(deadline);
                    Thread.sleep(200);
                }
            }
            for (String path : List.of("/", "/api/status", "/api/inventory", "/api/activity", "/observe/metrics", "/observe/health",
                    "/download?key=sets/Set%20A.rbc", "/download?key=../etc/passwd", "/nothing-here")) {
                for (Map.Entry<String, String> who : Map.of("with", auth, "wrong", "Basic " + Base64.getEncoder().encodeToString(
                        "admin:guess".getBytes(StandardCharsets.UTF_8))).entrySet()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(OffsiteHarness.ANSWER_WITHIN).header("Authorization", who.getValue()).build(), HttpResponse.BodyHandlers.ofString());
                    outputs.add("page " + path + " " + who.getKey() + " " + r.statusCode() + "\n" + r.headers().map() + "\n" + r.body());
                }
            }
        } finally {
            running.destroy();
            running.waitFor(30, TimeUnit.SECONDS);
            outputs.add("command run\n" + Files.readString(dir.resolve("run.log")));
        }
    }
}
