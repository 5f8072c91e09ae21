package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** A chunk over 5 GiB, more than one PUT may carry, goes up as a multipart upload and verifies by its ETag. */
class FileOverFiveGibIT {

    static final long SIZE = (5L << 30) + (3L << 20); // 5 GiB + 3 MiB

    @TempDir
    Path dir;

    @Test
    void a_file_over_5_gib_goes_up_in_parts_and_its_etag_matches() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            Path big = app.source.resolve("Members/AA000009.rdb");
            Files.createDirectories(big.getParent());
            try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
                file.setLength(SIZE); // sparse: the disk holds only what is written
                file.seek(SIZE - 16);
                file.write("the last 16 byte".getBytes(StandardCharsets.US_ASCII));
            }
            Files.setLastModifiedTime(big, FileTime.from(Instant.now().minusSeconds(3600)));
            // 256 MiB parts: 20 whole ones and 3 MiB
            app.set("offsite.sync.multipart-threshold", "256MB").set("offsite.sync.part-size", "256MB").set("offsite.sync.part-streams", "2");

            SyncReport report = app.sync();

            assertThat(report.status()).as(report.text()).isEqualTo(RunStatus.OK);
            assertThat(report.uploaded().bytes()).isEqualTo(SIZE);
            HeadObjectResponse head = app.client.headObject(b -> b.bucket(app.s3.bucket()).key("sets/Members/AA000009.rdb"));
            assertThat(head.contentLength()).isEqualTo(SIZE);
            assertThat(head.eTag().replace("\"", "")).as("MD5 of 21 part MD5s, -21").endsWith("-21")
                    .isEqualTo(LocalEtag.of(big, SIZE, new UploadShape(256L << 20, 256L << 20)));
            assertThat(app.pendingUploads()).isZero();
            byte[] tail = app.client.getObjectAsBytes(b -> b.bucket(app.s3.bucket()).key("sets/Members/AA000009.rdb")
                    .range("bytes=" + (SIZE - 16) + "-" + (SIZE - 1))).asByteArray();
            assertThat(new String(tail, StandardCharsets.US_ASCII)).isEqualTo("the last 16 byte");

            OffsiteHarness.CommandResult verify = app.command("verify");
            assertThat(verify.exit()).as(verify.out()).isZero();
            assertThat(app.sync().uploaded().files()).as("a second night sends nothing").isZero();
            app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("sets/Members/AA000009.rdb")); // 5 GiB of the shared server's disk
        }
    }
}
