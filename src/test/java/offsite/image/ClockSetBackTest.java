package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A host clock set back (a dead RTC battery, a wrong NTP server): retention orders backups by their creation times, so
 * it took the backup just made for the oldest and deleted it, printing OK. Retention now waits for the clock.
 */
class ClockSetBackTest {

    private static final Pattern CREATED = Pattern.compile("\"created\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    Path dir;

    private static Set<String> backupIds(OffsiteHarness app) {
        return app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("/manifest.json"))
                .map(k -> k.substring(0, k.indexOf('/'))).collect(Collectors.toSet());
    }

    @Test
    void retention_deletes_nothing_while_the_clock_reads_before_the_newest_backup() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            Path tree = Files.createDirectories(dir.resolve("machine/etc"));
            Files.writeString(tree.resolve("hostname"), "host-a\n");
            app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.image.host", "host-a")
                    .set("offsite.image.keep", "1l").set("offsite.image.keys-dir", dir.resolve("no-keys").toString());
            OffsiteHarness.CommandResult first = app.command("image");
            assertThat(first.exit()).as(first.out()).isZero();
            String made = backupIds(app).iterator().next();
            // the first backup as if made 30 days after the clock now reads
            String key = "images/" + made + "/manifest.json";
            String manifest = app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key(key)).asUtf8String();
            Matcher created = CREATED.matcher(manifest);
            assertThat(created.find()).as(manifest).isTrue();
            String later = Instant.parse(created.group(1)).plus(Duration.ofDays(30)).toString();
            app.client.putObject(b -> b.bucket(app.s3.bucket()).key(key),
                    RequestBody.fromString(manifest.substring(0, created.start(1)) + later + manifest.substring(created.end(1))));
            Files.writeString(tree.resolve("hostname"), "host-a renamed\n");

            OffsiteHarness.CommandResult second = app.command("image");

            assertThat(backupIds(app)).as(second.out()).hasSize(2).contains(made);
            assertThat(second.out()).contains("retention skipped: backup " + made + " was made at " + later)
                    .contains("the host's clock went back");
        }
    }
}
