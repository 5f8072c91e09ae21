package offsite.report;

import java.time.Instant;
import java.util.List;

/**
 * What one of run's restore tests found: pipeline `verify-image` (offsite.image.verify-cron, as `verify-image --deep`: OK
 * when every backup of the host is in the bucket at its manifest's sizes and the newest was rebuilt with every SHA-256 as
 * its manifest says) or `verify` (offsite.sync.verify-cron, as `verify --deep N`: OK when each file of the set taken was
 * downloaded and its bytes, and the local file's, hash as the object's ETag says); WARN when nothing could be tested;
 * else FAILED. lines: one a backup or file, as the command prints them; verdict: the command's last line; note, or null.
 */
public record RestoreTestReport(String pipeline, RunStatus status, Instant started, Instant finished, List<String> lines, String verdict,
        String note) {

    public RestoreTestReport {
        lines = List.copyOf(lines);
    }

    public String headline() {
        return verdict;
    }

    public String text() {
        StringBuilder out = new StringBuilder(headline()).append('\n');
        lines.forEach(l -> out.append("  ").append(l).append('\n'));
        if (note != null) {
            out.append("  ").append(note).append('\n');
        }
        return out.toString();
    }
}
