package offsite.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import offsite.store.S3Settings;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's entrypoint, run directly on the files the Dockerfile copies (after `mvn package`); the image itself is
 * built and run by docker/test-image.sh.
 */
class EntrypointIT {

    @TempDir
    Path dir;

    @Test
    void entrypoint_runs_a_sync_with_the_mounted_config_and_data() throws Exception {
        S3Settings s3 = TestS3.freshBucket();
        Path config = syncConfig(s3);
        Path home = stageImage(dir.resolve("image")).resolve("opt/offsite");
        String first = entrypoint(home, s3, config, "sync");
        assertThat(first).startsWith("OK: mirror up to date: 1 file(s) uploaded");
        assertThat(dir.resolve("data/reports/sync-latest.json")).exists();

        // the first run recorded the launcher's class-data archive in the data volume; the next one makes it the archive
        // and maps it, its output as clean as before
        assertThat(cds()).singleElement().asString().endsWith(".recording");
        assertThat(entrypoint(home, s3, config, "sync")).startsWith("OK: mirror up to date, nothing to send");
        assertThat(cds()).singleElement().asString().endsWith(".jsa");
    }

    @Test
    void entrypoint_takes_a_secret_from_the_file_its_FILE_variable_names() throws Exception {
        S3Settings s3 = TestS3.freshBucket();
        Path config = syncConfig(s3);
        Path home = stageImage(dir.resolve("image")).resolve("opt/offsite");
        Path secret = Files.writeString(dir.resolve("secret-key"), s3.secretKey() + "\n"); // as a secret's file often ends

        Ran fromFile = run(home, config, Map.of("OFFSITE_S3_ACCESS_KEY", s3.accessKey(), "OFFSITE_S3_SECRET_KEY_FILE", secret.toString(),
                "OFFSITE_CDS", "false"), "sync");

        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).startsWith("OK: mirror up to date: 1 file(s) uploaded");
        assertThat(fromFile.err()).doesNotContain("OFFSITE_S3_SECRET_KEY_FILE names no setting");
    }

    @Test
    void entrypoint_refuses_a_secret_given_both_as_a_value_and_as_a_file() throws Exception {
        Path home = stageImage(dir.resolve("image")).resolve("opt/offsite");
        Path secret = Files.writeString(dir.resolve("password"), "from-the-file");

        Ran both = run(home, Files.createDirectories(dir.resolve("config")),
                Map.of("OFFSITE_HTTP_PASSWORD", "from-the-value", "OFFSITE_HTTP_PASSWORD_FILE", secret.toString()), "status");
        Ran unreadable = run(home, dir.resolve("config"), Map.of("OFFSITE_HTTP_PASSWORD_FILE", dir.resolve("missing").toString()), "status");

        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).isEqualTo("offsite: OFFSITE_HTTP_PASSWORD and OFFSITE_HTTP_PASSWORD_FILE are both set (expected one: the value,"
                + " or the file holding it)\n").doesNotContain("from-the");
        assertThat(unreadable.exit()).isEqualTo(2);
        assertThat(unreadable.err()).startsWith("offsite: OFFSITE_HTTP_PASSWORD_FILE: '" + dir.resolve("missing") + "' is not a file uid ")
                .endsWith("can read (expected the file holding OFFSITE_HTTP_PASSWORD)\n");
    }

    @Test
    void entrypoint_refuses_a_relative_data_directory() throws Exception {
        Path home = stageImage(dir.resolve("image")).resolve("opt/offsite");

        // checked from the entrypoint's folder, used from the routes' one: the check and Offsite would see two folders
        Ran relative = run(home, Files.createDirectories(dir.resolve("config")), Map.of("OFFSITE_DATA_DIR", "data"), "status");

        assertThat(relative.exit()).isEqualTo(2);
        assertThat(relative.err()).isEqualTo("offsite: OFFSITE_DATA_DIR: 'data' is not valid (expected an absolute path, a folder on the"
                + " data volume: a relative one would depend on the folder Offsite is started from)\n");
    }

    /** A settings file for a sync of a one-file backup set into s3's bucket, without its keys. */
    private Path syncConfig(S3Settings s3) throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        Path backup = Files.createDirectories(dir.resolve("backup"));
        Files.write(backup.resolve("chunk.rdb"), new byte[100_000]);
        Files.setLastModifiedTime(backup.resolve("chunk.rdb"), FileTime.fromMillis(0));
        Files.writeString(config.resolve("application.properties"), String.join("\n",
                "offsite.s3.endpoint=" + s3.endpoint(), "offsite.s3.path-style=true", "offsite.s3.bucket=" + s3.bucket(),
                "offsite.sync.source=" + backup, "offsite.sync.quiet-period=0m"));
        return config;
    }

    private List<String> cds() throws IOException {
        try (var archives = Files.list(dir.resolve("data/cds"))) {
            return archives.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Runs the image's entrypoint (laid out from the Dockerfile) with the given command; returns its standard output. */
    private String entrypoint(Path home, S3Settings s3, Path config, String command) throws Exception {
        Ran ran = run(home, config, Map.of("OFFSITE_S3_ACCESS_KEY", s3.accessKey(), "OFFSITE_S3_SECRET_KEY", s3.secretKey()), command);
        assertThat(ran.exit()).as(ran.out() + ran.err()).isZero();
        return ran.out();
    }

    /** What one run of the entrypoint printed and its exit code. */
    private record Ran(int exit, String out, String err) {
    }

    /** Runs the image's entrypoint with the mounted config, a data volume, the packed routes and the given environment. */
    private Ran run(Path home, Path config, Map<String, String> environment, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("entrypoint.sh").toString(), command);
        pb.environment().put("OFFSITE_HOME", home.toString());
        pb.environment().put("OFFSITE_CONFIG_DIR", config.toString());
        pb.environment().put("OFFSITE_ROUTES_DIR", dir.resolve("empty-routes-volume/routes").toString()); // an empty volume: the packed routes
        pb.environment().put("OFFSITE_DATA_DIR", dir.resolve("data").toString());
        pb.environment().putAll(environment);
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), out, Files.readString(dir.resolve("stderr.txt")));
    }

    /** The promises README makes of the image, read off the Dockerfile (docker/test-image.sh builds and runs it). */
    @Test
    void the_dockerfile_runs_non_root_with_the_volumes_port_and_health_check_the_readme_promises() throws Exception {
        List<String> lines = instructions();
        assertThat(lines).contains("ARG BASE=eclipse-temurin:17-jre", "FROM ${BASE}");
        assertThat(lines).filteredOn(l -> l.startsWith("USER ")).singleElement().isNotIn("USER root", "USER 0");
        assertThat(lines).filteredOn(l -> l.startsWith("VOLUME ")).singleElement().asString()
                .contains("\"/config\"", "\"/routes\"", "\"/keys\"", "\"/data\"", "\"/backup\"");
        String port = new Properties() {
            {
                load(Files.newBufferedReader(Path.of("config/application.properties")));
            }
        }.getProperty("offsite.http.port");
        assertThat(lines).contains("EXPOSE " + port);
        assertThat(lines).anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/opt/offsite/healthcheck.sh"));
        assertThat(Files.readString(Path.of("docker/healthcheck.sh"))).contains("http://127.0.0.1:${port:-" + port + "}/observe/health");
        assertThat(lines).contains("ENTRYPOINT [\"/opt/offsite/entrypoint.sh\"]");
        for (String script : List.of("docker/entrypoint.sh", "docker/healthcheck.sh", "bin/offsite")) {
            assertThat(Files.isExecutable(Path.of(script))).as("COPY keeps the mode: " + script + " must be executable").isTrue();
        }
        String readme = Files.readString(Path.of("README.md"));
        for (String volume : List.of(":/config", ":/routes", ":/keys", ":/data", ":/backup")) {
            assertThat(readme).as("README's docker run mounts " + volume).contains(volume);
        }
        assertThat(readme).contains("-e AWS_ACCESS_KEY_ID=").contains("-e AWS_SECRET_ACCESS_KEY=");
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> instructions() throws IOException {
        String joined = Files.readString(Path.of("docker/Dockerfile")).replaceAll("\\\\\n\\s*", " ");
        return joined.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** The image's files, laid out by the Dockerfile's COPY lines (sources relative to the project root). */
    private static Path stageImage(Path root) throws IOException {
        for (String line : instructions()) {
            if (!line.startsWith("COPY ")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String target = parts[parts.length - 1];
            for (int i = 1; i < parts.length - 1; i++) {
                copy(Path.of(parts[i]), root.resolve(target.substring(1)), target.endsWith("/") && parts.length > 3);
            }
        }
        return root;
    }

    /** COPY from to: into the folder to when it names several sources, else to that name. */
    private static void copy(Path from, Path to, boolean into) throws IOException {
        Path target = into ? to.resolve(from.getFileName().toString()) : to;
        assertThat(from).as("the Dockerfile copies " + from + ", which the build must make").exists();
        if (Files.isDirectory(from)) {
            try (var files = Files.walk(from)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path each = target.resolve(from.relativize(f).toString());
                    Files.createDirectories(each.getParent());
                    Files.copy(f, each, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } else {
            Files.createDirectories(target.getParent());
            Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }
}
