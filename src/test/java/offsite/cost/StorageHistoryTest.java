package offsite.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import offsite.activity.ActivityLog;
import offsite.notify.LastDeliveries;
import offsite.report.ReportStore;
import offsite.retention.RetentionPolicy;
import offsite.store.Fallbacks;
import offsite.testing.SmallDisk;
import offsite.web.StatusPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The storage history of a process that runs for years: kept to what the page and the cost use, rewritten whole, read again
 * only when it changed, and never losing a sample to a line a crash cut short.
 */
class StorageHistoryTest {

    static final LocalDate TODAY = LocalDate.parse("2026-12-01");
    static final Clock CLOCK = Clock.fixed(TODAY.atTime(18, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void a_torn_sample_costs_only_its_own_line_and_is_named() throws Exception {
        Path file = dir.resolve("storage-history.txt");
        Files.writeString(file, "2026-11-20 100\n2026-11-21 2026-11-22 300\n\n2026-11-23 400\n");

        StorageHistory.Read read = new StorageHistory(file).read();

        assertThat(read.days()).containsOnlyKeys(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-23"))
                .containsEntry(LocalDate.parse("2026-11-23"), 400L);
        assertThat(read.problem()).isEqualTo(file + ": 1 line(s) not readable, left out (line 2)");
    }

    @Test
    void a_sample_after_a_line_cut_short_by_a_crash_is_kept_whole() throws Exception {
        Path file = dir.resolve("storage-history.txt");
        Files.writeString(file, "2026-11-20 100\n2026-11-2");

        new StorageHistory(file).record(LocalDate.parse("2026-11-21"), 300);

        StorageHistory.Read read = new StorageHistory(file).read();
        assertThat(read.days()).containsEntry(LocalDate.parse("2026-11-20"), 100L).containsEntry(LocalDate.parse("2026-11-21"), 300L);
        assertThat(read.problem()).endsWith("1 line(s) not readable, left out (line 2)");
    }

    /** A history as years of `run` leave it (its lines, given today), and the sample taken next. */
    record Grown(String name, Function<LocalDate, List<String>> lines, LocalDate nextDay, long nextBytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Samples every hour of each day from first to last, the bytes growing with the day and the hour (a day's last differs). */
    static List<String> hourly(LocalDate first, LocalDate last, List<String> out) {
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (int hour = 0; hour < 24; hour++) {
                out.add(day + " " + (day.toEpochDay() * 1_000_000L + hour * 1_000L + day.getDayOfMonth()));
            }
        }
        return out;
    }

    static Stream<Grown> histories() {
        return Stream.of(
                new Grown("three years of hourly samples", today -> hourly(today.minusYears(3), today, new ArrayList<>()), TODAY, 7),
                new Grown("two months without a run, ten days ago", today -> hourly(today.minusDays(10), today,
                        hourly(today.minusYears(2), today.minusDays(70), new ArrayList<>())), TODAY, 7),
                new Grown("fewer days than the chart shows", today -> hourly(today.minusDays(19), today, new ArrayList<>()), TODAY, 7),
                new Grown("one sample a day for ten years", today -> {
                    List<String> out = new ArrayList<>();
                    for (LocalDate day = today.minusYears(10); !day.isAfter(today); day = day.plusDays(1)) {
                        out.add(day + " " + day.toEpochDay() * 37);
                    }
                    return out;
                }, TODAY, 7),
                new Grown("a clock set back: older days sampled again, the later lines win", today -> {
                    List<String> out = hourly(today.minusYears(2), today.minusDays(400), new ArrayList<>());
                    out.addAll(hourly(today.minusDays(500), today.minusDays(450), new ArrayList<>()).stream()
                            .map(l -> l.split(" ")[0] + " 5" + l.split(" ")[1]).toList());
                    return hourly(today.minusDays(399), today, out);
                }, TODAY, 7),
                new Grown("the next sample dated before the newest day", today -> hourly(today.minusYears(1), today, new ArrayList<>()),
                        TODAY.minusDays(3), 7));
    }

    @ParameterizedTest
    @MethodSource("histories")
    void the_history_is_kept_small_and_the_page_shows_what_every_sample_kept_would_show(Grown grown) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path file = data.resolve("storage-history.txt");
        List<String> lines = grown.lines().apply(TODAY);
        List<String> appended = new ArrayList<>(lines);
        appended.add(grown.nextDay() + " " + grown.nextBytes());
        Files.write(file, appended); // every sample kept, the next one appended: the file as it grew before
        String html = page(data).html(null, null, null, null, null);
        String json = page(data).statusJson();

        Files.write(file, lines);
        new StorageHistory(file).record(grown.nextDay(), grown.nextBytes());

        long months = appended.stream().map(l -> l.substring(0, 7)).distinct().count();
        assertThat(Files.readAllLines(file)).as("lines kept: the newest days, and each month's last")
                .hasSizeLessThanOrEqualTo((int) (StorageHistory.DAYS_KEPT + months)).hasSizeLessThan(appended.size());
        assertThat(page(data).html(null, null, null, null, null)).isEqualTo(html);
        assertThat(page(data).statusJson()).isEqualTo(json);
    }

    /** The real page over the data directory: nothing there but the storage history, a fixed clock. */
    private static StatusPage page(Path data) {
        return new StatusPage(new StatusPage.Layout("bucket", "sets/", "trash/", "images/", "0 30 23 ? * MON-SAT", "0 0 * * * ?", false, "host", null, "0 0 3 1 * ?"),
                new ReportStore(data.resolve("reports")), new ActivityLog(data.resolve("activity"), 1 << 20),
                new InventoryState(data.resolve("inventory.json")), new StorageHistory(data.resolve("storage-history.txt")), () -> null,
                () -> null, new Prices(0.023, 0.005, 0.0004, 0, 0.09), new RetentionPolicy(24, 7, 4, 12), new Fallbacks(),
                new LastDeliveries(data.resolve("notifications.json")), null, () -> null, CLOCK); // no offline copy: nothing to show
    }

    /** A change to the file between two looks, and whether the second look must see it. */
    record Change(String name, FileChange change, boolean seen) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface FileChange {
        void apply(Path file) throws Exception;
    }

    static Stream<Change> changes() {
        return Stream.of(
                new Change("none: bytes rewritten in place, same size and time", file -> {
                    FileTime time = Files.getLastModifiedTime(file);
                    Files.writeString(file, "2026-11-01 900\n2026-11-02 200\n");
                    Files.setLastModifiedTime(file, time);
                }, false),
                new Change("a sample appended", file -> Files.writeString(file, "2026-11-01 900\n2026-11-02 200\n2026-11-03 1\n"), true),
                new Change("replaced by another process, same size and time", file -> {
                    Path other = Files.writeString(file.resolveSibling("other.tmp"), "2026-11-01 900\n2026-11-02 200\n");
                    Files.setLastModifiedTime(other, Files.getLastModifiedTime(file));
                    Files.move(other, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }, true),
                new Change("rewritten in place, same size, another time", file -> {
                    FileTime time = Files.getLastModifiedTime(file);
                    Files.writeString(file, "2026-11-01 900\n2026-11-02 200\n");
                    Files.setLastModifiedTime(file, FileTime.from(time.toInstant().plus(1, ChronoUnit.SECONDS)));
                }, true));
    }

    @ParameterizedTest
    @MethodSource("changes")
    void a_look_reads_the_file_again_only_when_it_changed(Change c) throws Exception {
        Path file = Files.writeString(dir.resolve("storage-history.txt"), "2026-11-01 100\n2026-11-02 200\n");
        StorageHistory history = new StorageHistory(file);
        assertThat(history.read().days()).containsEntry(LocalDate.parse("2026-11-01"), 100L);

        c.change().apply(file);

        assertThat(history.read().days().get(LocalDate.parse("2026-11-01"))).isEqualTo(c.seen() ? 900L : 100L);
    }

    @Test
    void a_rewrite_that_finds_the_disk_full_leaves_the_file_whole_and_is_done_once_there_is_room() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 1)) {
            Path file = dir.resolve("disk/storage-history.txt");
            Files.write(file, hourly(TODAY.minusDays(999), TODAY.minusDays(1), new ArrayList<>()));
            Map<LocalDate, Long> before = new StorageHistory(file).read().days();
            disk.leaveFree(0);

            new StorageHistory(file).record(TODAY, 7);

            assertThat(new StorageHistory(file).read().days()).containsAllEntriesOf(before);
            try (Stream<Path> left = Files.list(dir.resolve("disk"))) {
                assertThat(left.map(p -> p.getFileName().toString())).as("no temporary file left")
                        .containsExactlyInAnyOrder("storage-history.txt", "filler");
            }

            disk.growTo(4);
            new StorageHistory(file).record(TODAY, 8);

            LocalDate monthEnd = TODAY.minusDays(999).withDayOfMonth(TODAY.minusDays(999).lengthOfMonth());
            assertThat(Files.readAllLines(file)).hasSizeLessThan(StorageHistory.DAYS_KEPT + 40).last().isEqualTo(TODAY + " 8");
            assertThat(new StorageHistory(file).read().days()).containsEntry(TODAY.minusDays(1), before.get(TODAY.minusDays(1)))
                    .containsEntry(monthEnd, before.get(monthEnd));
        }
    }
}
