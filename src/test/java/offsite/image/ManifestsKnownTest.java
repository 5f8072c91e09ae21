package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import offsite.testing.OffsiteHarness;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** A process that runs for years knows the backups in the bucket, not every backup it ever read. */
class ManifestsKnownTest {

    @TempDir
    Path dir;

    @Test
    void backups_another_host_deleted_are_forgotten_at_the_next_backup() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(tree.resolve("hostname"), "excalibur\n");
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.image.host", "excalibur")
                    .set("offsite.image.keys-dir", Files.createDirectories(dir.resolve("no-keys")).toString());
            Main running = app.startRunning();
            try {
                CamelContext camel = running.getCamelContext();
                String bucket = camel.resolvePropertyPlaceholders("{{offsite.s3.bucket}}");
                ImageBackup images = camel.getRegistry().lookupByNameAndType("imageBackup", ImageBackup.class);
                backUp(camel);
                String ours = images.knownManifests().get(0).id();
                String theirs = "20260101T000000000Z";
                String manifest = new String(app.client.getObjectAsBytes(b -> b.bucket(bucket).key("images/" + ours + "/manifest.json"))
                        .asByteArray()).replace(ours, theirs).replace("excalibur", "lancelot");
                app.client.putObject(b -> b.bucket(bucket).key("images/" + theirs + "/manifest.json"), RequestBody.fromString(manifest));
                backUp(camel);
                assertThat(images.knownManifests()).extracting(ImageManifest::id).contains(theirs);

                app.client.deleteObject(b -> b.bucket(bucket).key("images/" + theirs + "/manifest.json")); // lancelot's retention
                backUp(camel);

                // each other host's hourly backups stayed in this process's memory after their own retention deleted them
                assertThat(images.knownManifests()).extracting(ImageManifest::id).doesNotContain(theirs).contains(ours);
            } finally {
                running.stop();
            }
        }
    }

    private static void backUp(CamelContext camel) {
        Exception failure = camel.createProducerTemplate().send("direct:image", e -> e.getMessage().setBody(ImageRequest.command(false)))
                .getException();
        assertThat(failure).isNull();
    }
}
