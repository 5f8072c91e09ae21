package offsite.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import offsite.sync.RunUnderWay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the runs under way (the mirror's pass, the hourly image backup, the offline copy) for one that has moved nothing for
 * offsite.stalled-after: looked at by the route notify-stalled, each such run is said once, in a WARN and a
 * {@link StalledRun} sent as the reports are. A run that moves again, or a new run, starts over.
 */
public final class StallWatch {

    private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

    /** What the watch saw of a pipeline's run: which, its count, since when (nanos) that count stands, and whether it was said. */
    private record Seen(Object run, long moved, long sinceNanos, boolean said) {
    }

    private final Map<String, Supplier<RunUnderWay>> runs;
    private final Map<String, String> names;
    private final Duration after;
    private final LongSupplier nanos;
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /** runs: by pipeline (sync, image), what is under way (null: nothing); names: the pipeline's run in words ("mirror pass"). */
    public StallWatch(Map<String, Supplier<RunUnderWay>> runs, Map<String, String> names, Duration after, LongSupplier nanos) {
        this.runs = new LinkedHashMap<>(runs);
        this.names = Map.copyOf(names);
        this.after = after;
        this.nanos = nanos;
    }

    /** The runs stalled since the last look and not said yet; each is logged at WARN. None when offsite.stalled-after is 0. */
    public List<StalledRun> stalled() {
        List<StalledRun> found = new ArrayList<>();
        long now = nanos.getAsLong();
        runs.forEach((pipeline, source) -> {
            RunUnderWay run = source.get();
            if (run == null || after.isZero()) {
                seen.remove(pipeline);
                return;
            }
            Seen before = seen.get(pipeline);
            if (before == null || before.run() != run.run() || before.moved() != run.moved()) {
                seen.put(pipeline, new Seen(run.run(), run.moved(), now, false));
                return;
            }
            Duration still = Duration.ofNanos(now - before.sinceNanos());
            if (!before.said() && still.compareTo(after) >= 0) {
                seen.put(pipeline, new Seen(before.run(), before.moved(), before.sinceNanos(), true));
                StalledRun stalled = new StalledRun(pipeline, names.get(pipeline), run.started(), still, run.doing(), after);
                LOG.warn("{}", stalled.headline().substring("WARN: ".length()));
                found.add(stalled);
            }
        });
        return found;
    }
}
