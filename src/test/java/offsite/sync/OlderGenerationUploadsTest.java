package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import offsite.report.RunStatus;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An upload cut under a generation that is no longer current is aborted: no pass will ever resume it. */
class OlderGenerationUploadsTest {

    @TempDir
    Path dir;

    @Test
    void an_upload_cut_under_the_old_generation_is_aborted_by_the_first_pass_of_the_new_one() throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir)) {
            app.write("Set A.rbc", 999, 2);
            assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
            String bucket = app.s3.bucket();
            // a large chunk's upload cut by the end of a window, under the generation about to be left
            app.client.createMultipartUpload(b -> b.bucket(bucket).key("sets/Members/AA000009.rdb"));
            assertThat(app.pendingUploads()).isEqualTo(1);

            OffsiteHarness.CommandResult fresh = app.command("sync", "--new-generation");

            // its parts were under no prefix a pass resumes: kept, and billed, for good (on AWS, in no listing)
            assertThat(fresh.exit()).as(fresh.out()).isZero();
            assertThat(app.pendingUploads()).isZero();
        }
    }
}
