package offsite.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import offsite.store.S3Settings;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container's entrypoint, run directly on the packaged jar (after `mvn package`), as the image runs it. */
class EntrypointIT {

    @TempDir
    Path dir;

    @Test
    void entrypoint_runs_a_sync_with_the_mounted_config_and_data() throws Exception {
        S3Settings s3 = TestS3.freshBucket();
        Path config = Files.createDirectories(dir.resolve("config"));
        Path backup = Files.createDirectories(dir.resolve("backup"));
        Files.write(backup.resolve("chunk.rdb"), new byte[100_000]);
        Files.setLastModifiedTime(backup.resolve("chunk.rdb"), java.nio.file.attribute.FileTime.fromMillis(0));
        Files.writeString(config.resolve("application.properties"), String.join("\n",
                "offsite.s3.endpoint=" + s3.endpoint(), "offsite.s3.path-style=true", "offsite.s3.bucket=" + s3.bucket(),
                "offsite.sync.source=" + backup, "offsite.sync.quiet-period=0m"));
        String first = entrypoint(s3, config, "sync");
        assertThat(first).startsWith("OK: mirror up to date: 1 file(s) uploaded");
        assertThat(dir.resolve("data/reports/sync-latest.json")).exists();

        // the first run left a class-data archive; the next one maps it, its output as clean as before
        try (var archives = Files.list(dir.resolve("data/cds"))) {
            assertThat(archives.map(p -> p.getFileName().toString())).singleElement().asString().endsWith(".jsa");
        }
        assertThat(entrypoint(s3, config, "sync")).startsWith("OK: mirror up to date, nothing to send");
    }

    /** Runs docker/entrypoint.sh with the packaged jar and the given command; returns its standard output. */
    private String entrypoint(S3Settings s3, Path config, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", Path.of("docker/entrypoint.sh").toAbsolutePath().toString(), command);
        pb.environment().put("OFFSITE_HOME", Path.of("target").toAbsolutePath().toString());
        pb.environment().put("OFFSITE_CONFIG_DIR", config.toString());
        pb.environment().put("OFFSITE_ROUTES_DIR", Path.of("routes").toAbsolutePath().toString());
        pb.environment().put("OFFSITE_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("OFFSITE_S3_ACCESS_KEY", s3.accessKey());
        pb.environment().put("OFFSITE_S3_SECRET_KEY", s3.secretKey());
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out + Files.readString(dir.resolve("stderr.txt"))).isZero();
        return out;
    }
}
