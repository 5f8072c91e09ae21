package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import offsite.report.RestoreTestReport;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import org.junit.jupiter.api.Test;

/** The last success a mirror pass leaves in the offsite_* metrics. */
class OffsiteMetricsTest {

    static SyncReport pass(RunStatus status, boolean skipped, Instant finished) {
        return pass(status, skipped, false, finished);
    }

    static SyncReport pass(RunStatus status, boolean skipped, boolean dryRun, Instant finished) {
        return new SyncReport(status, "reason", skipped, dryRun, finished.minusSeconds(60), finished, "/set", "s3://b/sets/", Map.of(),
                SyncReport.Count.NONE, 0, 0, 0, 0, SyncReport.Count.NONE, null, 0, SyncReport.Count.NONE, 0, 0, 0, List.of(), List.of(), List.of());
    }

    @Test
    void a_pass_skipped_by_design_is_no_success() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OffsiteMetrics metrics = new OffsiteMetrics(() -> registry);
        Instant night1 = Instant.parse("2026-11-24T23:40:00Z");

        metrics.syncFinished(pass(RunStatus.OK, false, night1));
        metrics.syncFinished(pass(RunStatus.WARN, true, night1.plusSeconds(86_400)));

        assertThat(metrics.scrape()).contains("offsite_last_success_timestamp_seconds{pipeline=\"sync\"} " + (double) night1.getEpochSecond())
                .contains("offsite_run_duration_seconds{pipeline=\"sync\"} 60.0");
    }

    @Test
    void a_pass_that_warned_but_mirrored_is_a_success() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OffsiteMetrics metrics = new OffsiteMetrics(() -> registry);
        Instant night = Instant.parse("2026-11-24T23:40:00Z");

        metrics.syncFinished(pass(RunStatus.WARN, false, night));

        assertThat(metrics.scrape()).contains("offsite_last_success_timestamp_seconds{pipeline=\"sync\"} " + (double) night.getEpochSecond());
    }

    /** run's weekly restore test plans with a dry run: it neither mirrored nor failed to. */
    @Test
    void a_dry_run_is_neither_a_success_nor_a_failure() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OffsiteMetrics metrics = new OffsiteMetrics(() -> registry);
        Instant night = Instant.parse("2026-11-24T23:40:00Z");

        metrics.syncFinished(pass(RunStatus.OK, false, night));
        metrics.syncFinished(pass(RunStatus.FAILED, false, true, night.plusSeconds(86_400)));
        metrics.syncFinished(pass(RunStatus.OK, false, true, night.plusSeconds(2 * 86_400)));

        assertThat(metrics.scrape()).contains("offsite_last_success_timestamp_seconds{pipeline=\"sync\"} " + (double) night.getEpochSecond())
                .doesNotContain("offsite_failures_total");
    }

    static RestoreTestReport test(String pipeline, RunStatus status, Instant finished) {
        return new RestoreTestReport(pipeline, status, finished.minusSeconds(30), finished, List.of(), status + ": verdict", null);
    }

    /** Only a test that found everything restorable is a success; one put off (WARN) is none, a FAILED one a failure. */
    @Test
    void a_restore_test_is_a_success_only_when_it_found_everything_restorable() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        OffsiteMetrics metrics = new OffsiteMetrics(() -> registry);
        Instant sunday = Instant.parse("2026-11-29T13:30:00Z");

        metrics.restoreRestoreTest(test("verify", RunStatus.WARN, sunday), test("verify", RunStatus.OK, sunday.minusSeconds(7 * 86_400)));
        metrics.restoreTestFinished(test("verify-image", RunStatus.OK, sunday));
        metrics.restoreTestFinished(test("verify-image", RunStatus.FAILED, sunday.plusSeconds(7 * 86_400)));

        assertThat(metrics.scrape())
                .contains("offsite_last_success_timestamp_seconds{pipeline=\"verify\"} " + (double) sunday.minusSeconds(7 * 86_400).getEpochSecond())
                .contains("offsite_last_status{pipeline=\"verify\"} 1.0")
                .contains("offsite_last_success_timestamp_seconds{pipeline=\"verify-image\"} " + (double) sunday.getEpochSecond())
                .contains("offsite_last_status{pipeline=\"verify-image\"} 2.0")
                .contains("offsite_failures_total{operation=\"pass\",pipeline=\"verify-image\"} 1.0")
                .contains("offsite_run_duration_seconds{pipeline=\"verify-image\"} 30.0");
    }
}
