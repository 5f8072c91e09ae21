package offsite.report;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** What one image backup did: its kind and why, sizes, the delta ratio, and what retention deleted. */
public record ImageReport(RunStatus status, String reason, String id, String type, String decision, Instant started,
        Instant finished, long imageBytes, long uploadedBytes, double deltaRatio, int secretFiles, List<String> retentionDeleted,
        int backupsKept, List<String> notes, List<SyncReport.Problem> errors) {

    public ImageReport {
        retentionDeleted = List.copyOf(retentionDeleted);
        notes = List.copyOf(notes);
        errors = List.copyOf(errors);
    }

    public String headline() {
        return status + ": " + reason;
    }

    public String text() {
        StringBuilder out = new StringBuilder(headline()).append('\n');
        // a backup that failed before it was decided has no type nor decision yet
        out.append("  backup ").append(id).append(type == null ? ": not made" : " (" + type + "): " + decision).append('\n');
        out.append("  image ").append(ByteSize.format(imageBytes)).append(", uploaded ").append(ByteSize.format(uploadedBytes));
        if ("diff".equals(type)) {
            out.append(String.format(Locale.ROOT, ", delta %.2f%% of the complete image", deltaRatio * 100));
        }
        out.append('\n').append("  secret files: ").append(secretFiles).append('\n');
        out.append("  retention: ").append(backupsKept).append(" kept, ")
                .append(retentionDeleted.isEmpty() ? "none deleted" : "deleted " + String.join(", ", retentionDeleted)).append('\n');
        notes.forEach(n -> out.append("  note: ").append(n).append('\n'));
        out.append("  errors: ").append(errors.isEmpty() ? "none" : errors.size()).append('\n');
        errors.forEach(p -> out.append("    ").append(p.subject()).append(": ").append(p.cause()).append('\n'));
        return out.toString();
    }
}
