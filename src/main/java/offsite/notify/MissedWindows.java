package offsite.notify;

import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import offsite.report.ReportStore;
import offsite.report.SyncReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** At the start of the long-running process: the mirror window that passed without a report while it was down, if any. */
public final class MissedWindows {

    private static final Logger LOG = LoggerFactory.getLogger(MissedWindows.class);

    private final String cron;
    private final ZoneId zone;
    private final Clock clock;
    private final ReportStore reports;
    private final AliveMark mark;

    public MissedWindows(String cron, ZoneId zone, Clock clock, ReportStore reports, AliveMark mark) {
        this.cron = cron;
        this.zone = zone;
        this.clock = clock;
        this.reports = reports;
        this.mark = mark;
    }

    /** The window missed since the last report (none or one), judged before this process marks itself alive. */
    public List<MissedWindow> sinceLastReport() {
        try {
            SyncReport last = reports.latestSync();
            return MissedWindow.find(cron, zone, clock.instant(), last == null ? null : last.started(), mark.lastAlive())
                    .map(List::of).orElse(List.of());
        } catch (IOException | ParseException | RuntimeException e) {
            LOG.warn("cannot tell whether a mirror window passed while Offsite was down: {}", e.getMessage());
            return List.of();
        } finally {
            alive();
        }
    }

    /** Marks this process alive; a mark that cannot be written only costs the next start its judgement. */
    public void alive() {
        try {
            mark.touch();
        } catch (IOException e) {
            LOG.warn("cannot mark the process alive ({}): {}", e.getClass().getSimpleName(), e.getMessage());
        }
    }
}
