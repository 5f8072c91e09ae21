package offsite.store;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the S3 service lacks and what Offsite does instead, for the life of the process: each fallback is logged
 * once as a WARN naming the operation and the fallback, and listed in reports and on the status page.
 */
public final class Fallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(Fallbacks.class);

    /** How a report's note naming a fallback begins: the status page finds them there after the process that met them ended. */
    public static final String NOTE = "S3 service: ";

    private final Map<String, String> inUse = new ConcurrentHashMap<>();

    /** Records that operation was refused (or is missing) and fallback is used instead; WARNs the first time. */
    public void use(String operation, String fallback) {
        if (inUse.putIfAbsent(operation, fallback) == null) {
            LOG.warn("the S3 service does not offer {}: {}", operation, fallback);
        }
    }

    /** Whether the service was found to lack the operation. */
    public boolean lacks(String operation) {
        return inUse.containsKey(operation);
    }

    /** Operation to fallback, by operation name. */
    public Map<String, String> inUse() {
        return new TreeMap<>(inUse);
    }

    /** One line per fallback, for reports: "ListMultipartUploads not offered: pending uploads are read from ...". */
    public List<String> lines() {
        return inUse().entrySet().stream().map(e -> e.getKey() + " not offered: " + e.getValue()).toList();
    }

    /** The fallback lines among a report's notes, as lines() gave them. */
    public static List<String> inNotes(List<String> notes) {
        return notes.stream().filter(n -> n.startsWith(NOTE)).map(n -> n.substring(NOTE.length())).toList();
    }
}
