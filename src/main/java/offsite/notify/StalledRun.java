package offsite.notify;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import offsite.report.RunStatus;

/**
 * A run under way that has made no progress for offsite.stalled-after (a share or drive that stopped answering holds it in
 * a read or write no timeout ends): a WARN of its own, sent once per run; the run's report follows if it ever ends.
 */
public record StalledRun(String pipeline, String name, Instant started, Duration still, String doing, Duration after) {

    public RunStatus status() {
        return RunStatus.WARN;
    }

    public String headline() {
        return "WARN: the " + name + " under way since " + started.truncatedTo(ChronoUnit.SECONDS) + " has made no progress for "
                + (still.toMinutes() > 0 ? still.toMinutes() + " min" : still.toSeconds() + " s") + " (offsite.stalled-after "
                + after.toString().substring(2).toLowerCase(Locale.ROOT) + "), while " + doing;
    }

    public String text() {
        return headline() + "\n  a disk or share it reads or writes may have stopped answering (dmesg shows a drive's errors; a hard"
                + " NFS mount waits for its server): the run goes on if it answers again and reports when it ends (an unplugged drive"
                + " fails it); until then no other starts\n";
    }
}
