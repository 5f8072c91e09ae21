package offsite.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The image report as text: every line reads as words, also for a backup that failed before it was decided. */
class ImageReportTest {

    private static final Instant T = Instant.parse("2026-12-02T05:50:27Z");

    @Test
    void a_backup_that_failed_before_its_kind_was_decided_says_it_was_not_made() {
        ImageReport failed = new ImageReport(RunStatus.FAILED, "S3 refused the credentials (403 Forbidden)", "20261202T055027387Z", null, null,
                T, T, 0, 0, 0, 0, List.of(), 0, List.of(), List.of(new SyncReport.Problem("s3", "S3 refused the credentials")));

        assertThat(failed.text()).contains("  backup 20261202T055027387Z: not made\n").doesNotContain("null");
    }

    @Test
    void a_decided_backup_names_its_kind_and_why() {
        ImageReport ok = new ImageReport(RunStatus.OK, "full backup i1 stored", "i1", "full", "first backup", T, T, 1000, 400, 0, 0,
                List.of(), 1, List.of(), List.of());

        assertThat(ok.text()).contains("  backup i1 (full): first backup\n");
    }
}
