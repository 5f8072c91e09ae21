package offsite.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.concurrent.atomic.AtomicInteger;
import offsite.activity.Activity;
import offsite.activity.ActivityLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The months the page no longer holds are priced from the log on disk, each read once. */
class ClosedMonthsTest {

    @TempDir
    Path dir;

    @Test
    void a_month_the_page_no_longer_holds_is_counted_whole_from_the_log_on_disk_once() throws Exception {
        ActivityLog log = new ActivityLog(Files.createDirectories(dir.resolve("activity")), 1 << 20, 1000);
        for (String month : new String[] {"2026-09", "2026-10", "2026-11"}) {
            Instant day = Instant.parse(month + "-10T01:00:00Z");
            for (int i = 0; i < 300; i++) {
                log.append(new Activity(day, "sync", "PutObject", "sets/" + i, 1000, 0, 5, "200"));
            }
            for (int i = 0; i < 200; i++) {
                log.append(new Activity(day, "sync", "GetObject", "sets/" + i, 0, 4000, 5, "200"));
            }
            log.append(new Activity(day, "sync", "DeleteObject", "sets/0", 0, 0, 5, "204"));
        }
        assertThat(log.read().activities()).as("the page holds November and October").noneMatch(a -> a.time().toString().startsWith("2026-09"));
        AtomicInteger reads = new AtomicInteger();
        ClosedMonths closed = new ClosedMonths((month, each) -> {
            reads.incrementAndGet();
            return log.readMonth(month, each);
        });

        MonthlyCost.Traffic september = closed.of(YearMonth.of(2026, 9));

        // the cost per month chart priced September from the requests held: none, so each bar fell at every month's turn
        assertThat(september).isEqualTo(new MonthlyCost.Traffic(300, 200, 300_000, 800_000));
        assertThat(closed.of(YearMonth.of(2026, 9))).isEqualTo(september);
        assertThat(reads).as("a month that is over is read once").hasValue(1);
        assertThat(closed.of(YearMonth.of(2026, 8))).as("a month with no log").isEqualTo(MonthlyCost.Traffic.NONE);
    }
}
