package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import offsite.report.ImageReport;
import offsite.sync.RunProgress;
import offsite.testing.OffsiteHarness;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image backup tells how far it is, step by step, to the terminal and the status page, and stops telling when done. */
class ImageProgressTest {

    @TempDir
    Path dir;

    @Test
    void each_step_of_an_image_backup_is_shown_with_its_bytes_until_the_backup_ends() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("machine/srv"));
        byte[] data = new byte[8 << 20];
        for (int i = 0; i < 4; i++) {
            new Random(i).nextBytes(data);
            Files.write(tree.resolve("data" + i + ".bin"), data);
        }
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            Main running = app.set("offsite.image.roots", tree.getParent().toString()).startRunning();
            try {
                ImageBackup backup = running.getCamelContext().getRegistry().lookupByNameAndType("imageBackup", ImageBackup.class);
                CompletableFuture<ImageReport> run = CompletableFuture.supplyAsync(
                        () -> running.getCamelContext().createProducerTemplate().requestBody("direct:image", null, ImageReport.class));
                Map<String, RunProgress> steps = new ConcurrentHashMap<>();
                Thread watcher = new Thread(() -> {
                    while (!run.isDone()) {
                        RunProgress step = backup.progress();
                        if (step != null) {
                            steps.putIfAbsent(step.label(), step);
                        }
                        LockSupport.parkNanos(200_000);
                    }
                });
                watcher.start();
                Set<String> shownByApi = new LinkedHashSet<>();
                while (!run.isDone()) {
                    JsonNode image = new ObjectMapper().readTree(URI.create("http://127.0.0.1:" + app.httpPort() + "/api/status").toURL()).get("image");
                    if (image.get("state").asText().equals("RUNNING")) {
                        shownByApi.add(image.at("/progress/step").asText());
                    }
                }
                ImageReport report = run.get(60, TimeUnit.SECONDS);
                watcher.join();

                assertThat(report.status().name()).as(report.headline()).isEqualTo("OK");
                assertThat(steps.keySet()).as("a complete image: read, compress, sign, upload")
                        .contains("reading the tree", "uploading").isSubsetOf("reading the tree", "compressing", "signing the complete image", "uploading");
                assertThat(steps.get("reading the tree").sent()).as("every byte of the image tar").isEqualTo(report.imageBytes());
                assertThat(steps.get("uploading").sent()).as("every byte of every object, once")
                        .isEqualTo(steps.get("uploading").plannedBytes()).isEqualTo(report.uploadedBytes());
                assertThat(shownByApi).as("/api/status showed the backup running").isNotEmpty().isSubsetOf(steps.keySet());
                assertThat(backup.progress()).as("nothing shown once the backup ended").isNull();
                JsonNode after = new ObjectMapper().readTree(URI.create("http://127.0.0.1:" + app.httpPort() + "/api/status").toURL()).get("image");
                assertThat(after.get("state").asText()).isEqualTo("OK");
                long imageBytes = new ObjectMapper().readTree(URI.create("http://127.0.0.1:" + app.httpPort() + "/api/inventory").toURL())
                        .at("/images/bytes").asLong();
                String metrics = new String(URI.create("http://127.0.0.1:" + app.httpPort() + "/observe/metrics").toURL().openStream().readAllBytes(),
                        StandardCharsets.UTF_8);
                assertThat(imageBytes).isGreaterThan(report.uploadedBytes());
                assertThat(metrics).as("stored bytes of the images, sampled after the run").contains("offsite_stored_bytes{pipeline=\"image\"} " + (double) imageBytes);
            } finally {
                running.stop();
            }
        }
    }
}
