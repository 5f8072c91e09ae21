package offsite.cost;

import java.io.IOException;
import java.time.YearMonth;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import offsite.activity.Activity;
import offsite.cost.MonthlyCost.Traffic;

/**
 * The traffic of months gone by, each read once from the activity log on disk and kept as four numbers: the page
 * holds only the newest requests, and a month that is over gains no more.
 */
public final class ClosedMonths {

    /** Hands each activity of a month on disk to each (ActivityLog.readMonth). */
    public interface MonthReader {
        long read(YearMonth month, Consumer<Activity> each) throws IOException;
    }

    private final MonthReader log;
    private final Map<YearMonth, Traffic> known = new ConcurrentHashMap<>();

    public ClosedMonths(MonthReader log) {
        this.log = log;
    }

    /** A past month's traffic (the month must be over: it is read once). */
    public Traffic of(YearMonth month) throws IOException {
        Traffic traffic = known.get(month);
        if (traffic == null) {
            MonthlyCost.Counter counter = new MonthlyCost.Counter(month);
            log.read(month, counter);
            traffic = counter.traffic();
            known.put(month, traffic);
        }
        return traffic;
    }
}
