package offsite.report;

import java.time.Instant;
import java.util.List;

/**
 * What run's restore test of the image backups found (offsite.image.verify-cron, as `verify-image --deep`): OK when every
 * backup of the host is in the bucket at its manifest's sizes and the newest was rebuilt with every SHA-256 as its manifest
 * says, else FAILED; lines, one a backup as the command prints them; verdict, the command's last line; note, or null.
 */
public record ImageVerifyReport(RunStatus status, Instant started, Instant finished, List<String> lines, String verdict,
        String note) {

    public ImageVerifyReport {
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
