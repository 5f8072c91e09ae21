package offsite.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import offsite.activity.Activity;

/** The offsite_* Prometheus metrics, fed by the activity log and by each run's report. */
public final class OffsiteMetrics {

    private final java.util.function.Supplier<MeterRegistry> registries;
    private volatile MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    /** registries: the registry Camel's Prometheus service scrapes, looked up on first use (it is made at start-up). */
    public OffsiteMetrics(java.util.function.Supplier<MeterRegistry> registries) {
        this.registries = registries;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = registries.get();
            registry = r != null ? r : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        }
        return registry;
    }

    /** Every S3 request: bytes and objects uploaded, failures. */
    public void record(Activity a) {
        boolean ok = a.outcome().startsWith("2");
        if (!ok && !a.outcome().equals("404")) { // a 404 answers a probe (is the bucket, the state there?), not a failure
            Counter.builder("offsite.failures").tag("pipeline", a.pipeline()).tag("operation", a.operation()).register(registry()).increment();
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

    public void syncFinished(offsite.report.SyncReport r) {
        // stored bytes come from the storage sample taken just before (it counts older generations too)
        run("sync", r.status() != offsite.report.RunStatus.FAILED, r.durationSeconds(), -1, r.finished().getEpochSecond());
    }

    public void imageFinished(offsite.report.ImageReport r) {
        run("image", r.status() != offsite.report.RunStatus.FAILED,
                Math.max(0, r.finished().getEpochSecond() - r.started().getEpochSecond()), -1, r.finished().getEpochSecond());
    }

    /** What the bucket holds per part (sync, trash, image), from the listing after each run. */
    public void stored(offsite.cost.StorageSampler.Sample sample) {
        sample.bytesByPart().forEach((part, bytes) -> gauge("offsite.stored.bytes", part).set(bytes));
    }

    /** At the end of a run: its duration, the time of the last success, and the bytes stored. */
    public void run(String pipeline, boolean success, double seconds, long storedBytes, long finishedEpochSecond) {
        gauge("offsite.run.duration.seconds", pipeline).set(Math.round(seconds));
        if (success) {
            gauge("offsite.last.success.timestamp.seconds", pipeline).set(finishedEpochSecond);
        }
        if (storedBytes >= 0) {
            gauge("offsite.stored.bytes", pipeline).set(storedBytes);
        }
    }

    private AtomicLong gauge(String name, String pipeline) {
        return gauges.computeIfAbsent(name + "|" + pipeline, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::doubleValue).tag("pipeline", pipeline).register(registry());
            return value;
        });
    }
}
