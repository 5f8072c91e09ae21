package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bucket in another region than offsite.s3.region, answered as AWS answers (301 with x-amz-bucket-region): every
 * command said "S3 answered 301 null: Moved Permanently". Now it names the setting and the region to set.
 */
class WrongRegionTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        app = new OffsiteHarness(dir);
        proxy = new FaultProxy(app.s3.endpoint().getPort());
        app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port());
        app.write("Set A.rbc", 999, 1);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        app.close();
    }

    @Test
    void a_bucket_in_another_region_names_offsite_s3_region_and_the_region_to_set() throws Exception {
        proxy.bucketInRegion("eu-central-1");
        String expected = "offsite.s3.region: bucket '" + app.s3.bucket() + "' is in region eu-central-1, not us-east-1"
                + " (set offsite.s3.region=eu-central-1)";

        SyncReport report = app.sync();
        OffsiteHarness.CommandResult verify = app.command("verify");

        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.reason()).isEqualTo(expected);
        assertThat(verify.exit()).isNotZero();
        assertThat(verify.out()).contains(expected).doesNotContain("null");
        proxy.passThrough();
        assertThat(app.bucketFiles("sets/")).as("nothing written").isEmpty();
    }
}
