package offsite.sync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Live byte counts of a run, per file in flight and in total, for the terminal and the status page. */
public final class RunProgress {

    /** One transfer in flight. */
    public record Stream(String key, long size, long startedNanos, AtomicLong bytes) {
    }

    private final String label;
    private final long plannedBytes;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong sent = new AtomicLong();
    private final Map<String, Stream> inFlight = new ConcurrentHashMap<>();
    /** Where the bytes done are counted when not here (the hash cache's count of bytes read); null when they are added here. */
    private final LongSupplier counted;

    public RunProgress(long plannedBytes) {
        this(null, plannedBytes);
    }

    /** A labelled step of a run with several (an image backup: reading the tree, delta, compressing, uploading); 0 planned when unknown. */
    public RunProgress(String label, long plannedBytes) {
        this(label, plannedBytes, null);
    }

    /**
     * A labelled step whose bytes done are counted elsewhere, read from counted (a pass's planning: the bytes the hash
     * cache has read since the pass began); add() must not be called on it.
     */
    public RunProgress(String label, long plannedBytes, LongSupplier counted) {
        this.label = label;
        this.plannedBytes = plannedBytes;
        this.counted = counted;
    }

    /** What the bytes are, or null for a run of one kind of transfer. */
    public String label() {
        return label;
    }

    /** Counts bytes that are not one transfer (reading, hashing, compressing). */
    public void add(long bytes) {
        sent.addAndGet(bytes);
    }

    public Stream start(String key, long size) {
        Stream s = new Stream(key, size, System.nanoTime(), new AtomicLong());
        inFlight.put(key, s);
        return s;
    }

    public void add(Stream s, long bytes) {
        s.bytes().addAndGet(bytes);
        sent.addAndGet(bytes);
    }

    public void finish(Stream s) {
        inFlight.remove(s.key());
    }

    public long sent() {
        return counted == null ? sent.get() : counted.getAsLong();
    }

    public long plannedBytes() {
        return plannedBytes;
    }

    public Map<String, Stream> inFlight() {
        return Map.copyOf(inFlight);
    }

    /** Bytes per second since the run began. */
    public double rate() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        return seconds <= 0 ? 0 : sent() / seconds;
    }
}
