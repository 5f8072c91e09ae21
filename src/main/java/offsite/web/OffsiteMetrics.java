package offsite.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import offsite.activity.Activity;
import offsite.cost.StorageSampler;
import offsite.notify.DeliveryOutcomes;
import offsite.notify.LastDeliveries;
import offsite.report.ImageReport;
import offsite.report.OfflineReport;
import offsite.report.RestoreTestReport;
import offsite.report.RunStatus;
import offsite.report.SyncReport;

/** The offsite_* Prometheus metrics, fed by the activity log and by each run's report, and served at /observe/metrics. */
public final class OffsiteMetrics implements DeliveryOutcomes {

    /** The content type of Prometheus' text format 0.0.4, which every scraper reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<MeterRegistry> registries;
    private volatile MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    /** registries: the Prometheus registry Camel's metrics service binds as metricsRegistry, looked up on first use (it is made at start-up). */
    public OffsiteMetrics(Supplier<MeterRegistry> registries) {
        this.registries = registries;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = registries.get();
            registry = r != null ? r : new SimpleMeterRegistry();
        }
        return registry;
    }

    /** Every metric, Camel's and Offsite's, in Prometheus' text format. */
    public String scrape() {
        return registry() instanceof PrometheusMeterRegistry prometheus ? prometheus.scrape() : "";
    }

    /** Every S3 request: bytes and objects uploaded, failures. */
    public void record(Activity a) {
        boolean ok = a.outcome().startsWith("2");
        if (!ok && !a.outcome().equals("404")) { // a 404 answers a probe (is the bucket, the state there?), not a failure
            failure(a.pipeline(), a.operation());
            return;
        }
        if (!ok || a.pipeline().equals("state")) {
            return;
        }
        if (a.operation().equals("PutObject") || a.operation().equals("UploadPart")) {
            Counter.builder("offsite.uploaded.bytes").baseUnit("bytes").tag("pipeline", a.pipeline()).register(registry()).increment(a.bytesSent());
        }
        if (a.operation().equals("PutObject") || a.operation().equals("CompleteMultipartUpload")) {
            Counter.builder("offsite.uploaded.objects").tag("pipeline", a.pipeline()).register(registry()).increment();
        }
    }

    private void failure(String pipeline, String operation) {
        Counter.builder("offsite.failures").tag("pipeline", pipeline).tag("operation", operation).register(registry()).increment();
    }

    public void syncFinished(SyncReport r) {
        if (r.dryRun()) {
            return; // run's restore test plans with one: it sent nothing, so it is neither a pass's success nor its failure
        }
        // stored bytes come from the storage sample taken just before (it counts older generations too); a skipped pass
        // mirrored nothing, so it is no success: an alert on the last success's age must see the nights it skips
        if (r.skipped()) {
            gauge("offsite.run.duration.seconds", "sync").set(r.durationSeconds());
            return;
        }
        run("sync", r.status(), r.durationSeconds(), r.finished().getEpochSecond());
    }

    public void imageFinished(ImageReport r) {
        run("image", r.status(), Math.max(0, r.finished().getEpochSecond() - r.started().getEpochSecond()), r.finished().getEpochSecond());
    }

    /**
     * At the end of an offline copy: its duration, its outcome (offsite_last_status: 0 OK, 1 WARN refused, 2 FAILED), a
     * FAILED copy counted as a failure (operation "pass"), and the last success: only a copy that kept a snapshot (OK).
     */
    public void offlineFinished(OfflineReport r) {
        gauge("offsite.run.duration.seconds", "offline").set(Math.max(0, r.finished().getEpochSecond() - r.started().getEpochSecond()));
        offlineOutcome(r);
        if (r.status() == RunStatus.FAILED) {
            failure("offline", "pass");
        }
    }

    /**
     * After a restart, while an offline copy is set up: the last copy's outcome and the last one that kept a snapshot (either
     * null: none can be read), so that an alert on a month without a snapshot holds across restarts.
     */
    public void restoreOffline(OfflineReport last, OfflineReport lastSuccess) {
        if (last != null) {
            offlineOutcome(last);
        }
        if (lastSuccess != null && lastSuccess.status() == RunStatus.OK) {
            gauge("offsite.last.success.timestamp.seconds", "offline").set(lastSuccess.finished().getEpochSecond());
        }
    }

    private void offlineOutcome(OfflineReport r) {
        gauge("offsite.last.status", "offline").set(r.status().ordinal());
        if (r.status() == RunStatus.OK) {
            gauge("offsite.last.success.timestamp.seconds", "offline").set(r.finished().getEpochSecond());
        }
    }

    /**
     * At the end of a restore test (pipeline verify or verify-image): its duration and outcome (offsite_last_status: 0 OK, 1
     * WARN not tested, 2 FAILED), a FAILED test counted as a failure (operation "pass"), and the last success: only a test
     * that found everything restorable (OK). An alert on its age tells a test that keeps failing or never runs.
     */
    public void restoreTestFinished(RestoreTestReport r) {
        gauge("offsite.run.duration.seconds", r.pipeline()).set(Math.max(0, r.finished().getEpochSecond() - r.started().getEpochSecond()));
        restoreTestOutcome(r);
        if (r.status() == RunStatus.FAILED) {
            failure(r.pipeline(), "pass");
        }
    }

    /** After a restart: a pipeline's last restore test and its last OK one (either null: none can be read). */
    public void restoreRestoreTest(RestoreTestReport last, RestoreTestReport lastSuccess) {
        if (last != null) {
            restoreTestOutcome(last);
        }
        if (lastSuccess != null && lastSuccess.status() == RunStatus.OK) {
            gauge("offsite.last.success.timestamp.seconds", lastSuccess.pipeline()).set(lastSuccess.finished().getEpochSecond());
        }
    }

    private void restoreTestOutcome(RestoreTestReport r) {
        gauge("offsite.last.status", r.pipeline()).set(r.status().ordinal());
        if (r.status() == RunStatus.OK) {
            gauge("offsite.last.success.timestamp.seconds", r.pipeline()).set(r.finished().getEpochSecond());
        }
    }

    /** What the bucket holds per part (sync, trash, image), from the listing after each run. */
    public void stored(StorageSampler.Sample sample) {
        sample.bytesByPart().forEach((part, bytes) -> gauge("offsite.stored.bytes", part).set(bytes));
    }

    /**
     * After a restart, before any run: what the last runs left (the listing's bytes, the last successes, found among the
     * dated reports however many failed since), so no metric goes missing; an alert on the last success's age needs it most
     * while passes fail. sync and image: the newest that did not fail, or null.
     */
    public void restore(StorageSampler.Sample stored, SyncReport sync, ImageReport image) {
        if (stored != null) {
            stored(stored);
        }
        if (sync != null && sync.status() != RunStatus.FAILED && !sync.dryRun()) {
            gauge("offsite.last.success.timestamp.seconds", "sync").set(sync.finished().getEpochSecond());
        }
        if (image != null && image.status() != RunStatus.FAILED) {
            gauge("offsite.last.success.timestamp.seconds", "image").set(image.finished().getEpochSecond());
        }
    }

    /**
     * At the end of a run: its duration, the time of the last success, and a FAILED run counted under its own
     * pipeline (operation "pass"): the requests that failed it may have no key (HeadBucket) and count under "other".
     */
    public void run(String pipeline, RunStatus status, double seconds, long finishedEpochSecond) {
        gauge("offsite.run.duration.seconds", pipeline).set(Math.round(seconds));
        if (status == RunStatus.FAILED) {
            failure(pipeline, "pass");
        } else {
            gauge("offsite.last.success.timestamp.seconds", pipeline).set(finishedEpochSecond);
        }
    }

    /** A notification sent: offsite_notification_last_success_timestamp_seconds{channel}. */
    @Override
    public void sent(String channel, Instant at) {
        channelGauge("offsite.notification.last.success.timestamp.seconds", channel).set(at.getEpochSecond());
    }

    /** A notification given up after its retries: offsite_notifications_failed_total{channel}. */
    @Override
    public void givenUp(String channel, Instant at, String what, String reason, int attempts) {
        Counter.builder("offsite.notifications.failed").tag("channel", channel).register(registry()).increment();
    }

    /** After a restart: each channel's last delivery from DATA/notifications.json (the count of those given up starts again). */
    public void restoreNotifications(LastDeliveries deliveries) {
        try {
            deliveries.read().forEach((channel, last) -> {
                if (last.lastSent() != null) {
                    sent(channel, last.lastSent());
                }
            });
        } catch (IOException unreadable) { // the status page names the file it cannot read
        }
    }

    private AtomicLong channelGauge(String name, String channel) {
        return gauges.computeIfAbsent(name + "|channel|" + channel, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::doubleValue).tag("channel", channel).register(registry());
            return value;
        });
    }

    private AtomicLong gauge(String name, String pipeline) {
        return gauges.computeIfAbsent(name + "|" + pipeline, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::doubleValue).tag("pipeline", pipeline).register(registry());
            return value;
        });
    }
}
