package offsite.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import offsite.report.ByteSize;
import offsite.sync.RunProgress;

/**
 * Shows a one-shot command's progress: on a terminal one line rewritten in place twice a second, otherwise a
 * plain line every 30 seconds, so logs of cron jobs stay readable.
 */
final class ProgressLine implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });
    private final PrintStream out;
    private final boolean terminal;
    private volatile boolean shown;

    ProgressLine(PrintStream out, boolean terminal, Supplier<RunProgress> progress) {
        this.out = out;
        this.terminal = terminal;
        timer.scheduleAtFixedRate(() -> show(progress.get()), 1, terminal ? 500 : 30_000, TimeUnit.MILLISECONDS);
    }

    static String describe(RunProgress p) {
        double rate = p.rate();
        String label = p.label() == null ? "" : p.label() + ": ";
        if (p.plannedBytes() <= 0) { // a size not known beforehand: bytes and rate only
            return String.format(Locale.ROOT, "%s%s  %s/s", label, ByteSize.format(p.sent()), ByteSize.format(rate));
        }
        long left = Math.max(0, p.plannedBytes() - p.sent());
        String eta = rate > 0 ? ByteSize.duration((long) (left / rate)) : "?";
        String flight = p.inFlight().isEmpty() ? "" : String.format(Locale.ROOT, "  %d in flight", p.inFlight().size());
        return String.format(Locale.ROOT, "%s%s / %s  %s/s  ETA %s%s", label, ByteSize.format(p.sent()),
                ByteSize.format(p.plannedBytes()), ByteSize.format(rate), eta, flight);
    }

    private void show(RunProgress p) {
        if (p == null || p.plannedBytes() == 0 && p.sent() == 0) {
            return;
        }
        if (terminal) {
            out.print("\r\033[K" + describe(p));
            shown = true;
        } else {
            out.println("progress: " + describe(p));
        }
        out.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (shown) {
            out.print("\r\033[K");
            out.flush();
        }
    }
}
