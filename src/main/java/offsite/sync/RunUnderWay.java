package offsite.sync;

import java.time.Instant;

/**
 * A run under way as a watch for stalls sees it: which run (compared by identity), since when, a count of what it has
 * moved so far (bytes read, hashed, sent; any change is progress), and the step it is at, in a report's words.
 */
public record RunUnderWay(Object run, Instant started, long moved, String doing) {

    /** What a run sending these transfers does: "sending" and up to three of their names. */
    public static String sending(RunProgress progress) {
        var names = progress.inFlight().keySet().stream().sorted().limit(3).toList();
        return names.isEmpty() ? "sending" : "sending " + String.join(", ", names) + (progress.inFlight().size() > 3 ? ", ..." : "");
    }
}
