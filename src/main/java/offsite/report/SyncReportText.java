package offsite.report;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Renders a sync report for a person: the verdict first, then one line per figure. */
public final class SyncReportText {

    // every action the plan counts (SyncAction), so the text adds up to the JSON
    private static final List<String> ORDER = List.of("new", "changed", "unchanged", "remote-only", "deferred", "held");

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(ZoneId.systemDefault());

    private SyncReportText() {
    }

    private static String currentPrefix(SyncReport r) {
        int slash = r.destination().indexOf('/', "s3://".length());
        return slash < 0 ? "" : r.destination().substring(slash + 1);
    }

    public static String render(SyncReport r) {
        StringBuilder out = new StringBuilder();
        out.append(r.headline()).append('\n');
        out.append(String.format(Locale.ROOT, "  %s -> %s%s%n  %s to %s (%s)%n", r.source(), r.destination(),
                r.dryRun() ? "  [dry run: nothing written]" : "", TIME.format(r.started()), TIME.format(r.finished()),
                ByteSize.duration(r.durationSeconds())));
        for (String action : ORDER) {
            SyncReport.Count c = r.actions().getOrDefault(action, SyncReport.Count.NONE);
            out.append(String.format(Locale.ROOT, "  %-12s %6d files %12s%n", action, c.files(), ByteSize.format(c.bytes())));
        }
        out.append(String.format(Locale.ROOT, "  planned in %.2fs; hashed %s in all%n", r.planSeconds(), ByteSize.format(r.bytesHashed())));
        if (!r.dryRun()) {
            out.append(String.format(Locale.ROOT, "  uploaded     %6d files %12s   sent %s at %s/s, resumed %s%n",
                    r.uploaded().files(), ByteSize.format(r.uploaded().bytes()), ByteSize.format(r.bytesSent()),
                    ByteSize.format(r.bytesPerSecond()), ByteSize.format(r.bytesResumed())));
            out.append(String.format(Locale.ROOT, "  deleted      %6d files %12s   moved to trash; %d purged from trash%n",
                    r.deleted().files(), ByteSize.format(r.deleted().bytes()), r.trashPurged()));
        } else {
            out.append(r.estimatedSeconds() < 0 ? "  estimated time: unknown (no bandwidth cap and no earlier run to measure)\n"
                    : String.format(Locale.ROOT, "  estimated time: %s at the configured bandwidth (or the last run's rate)%n",
                    ByteSize.duration(r.estimatedSeconds())));
        }
        if (r.deletionRefused() != null) {
            out.append("  !! deletions: ").append(r.deletionRefused()).append('\n');
        }
        SyncReport.Count left = r.leftForNextWindow();
        out.append("  left for next window: ").append(left.files() == 0 ? "nothing"
                : left.files() + " files, " + ByteSize.format(left.bytes())).append('\n');
        if (r.generations().size() > 1) {
            for (var g : r.generations()) {
                out.append("  ").append(GenerationText.line(g, g.prefix().equals(currentPrefix(r)))).append('\n');
            }
        }
        for (String note : r.notes()) {
            out.append("  note: ").append(note).append('\n');
        }
        out.append("  errors: ").append(r.errors().isEmpty() ? "none" : r.errors().size()).append('\n');
        for (SyncReport.Problem p : r.errors()) {
            out.append("    ").append(p.subject()).append(": ").append(p.cause()).append('\n');
        }
        return out.toString();
    }
}
