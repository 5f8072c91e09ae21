package offsite.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The activity log read back after a crash tore a line: what is whole is read, what is not is named (issue 15 item 8). */
class ActivityLogTest {

    private static final Instant T = Instant.parse("2026-11-23T23:41:07Z");
    private static final String GOOD = "{\"time\":\"2026-11-23T23:41:07Z\",\"pipeline\":\"sync\",\"operation\":\"PutObject\",\"key\":\"sets/a\","
            + "\"bytesSent\":10,\"bytesReceived\":0,\"millis\":3,\"outcome\":\"200\"}\n";

    @TempDir
    Path dir;

    /** A month's file as a crash left it; then maybe one more request; what a reader gets. */
    record Torn(String name, String onDisk, boolean appendOne, int readable, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Torn> torn() {
        String half = GOOD.substring(0, 40);
        return Stream.of(
                new Torn("a whole log", GOOD + GOOD, false, 2, null),
                new Torn("a last line still being written is not yet read, and no problem", GOOD + half, false, 1, null),
                new Torn("a torn line in the middle is left out and named by its number", GOOD + half + "\n" + GOOD, false, 2, "line 2"),
                new Torn("a request recorded after a torn end starts its own line", GOOD + half, true, 2, "line 2"),
                new Torn("a line of JSON without the fields every reader needs", GOOD + "{\"time\":\"2026-11-23T23:41:07Z\"}\n", false, 1, "line 2"),
                new Torn("bytes that are not text", GOOD + "\u0000\u00ff\u00fe garbage\n" + GOOD, false, 2, "line 2"));
    }

    @ParameterizedTest
    @MethodSource("torn")
    void a_torn_line_costs_only_itself(Torn c) throws Exception {
        Path file = Files.createDirectories(dir.resolve("activity")).resolve("activity-2026-11.jsonl");
        Files.writeString(file, c.onDisk(), StandardCharsets.UTF_8);
        ActivityLog log = new ActivityLog(dir.resolve("activity"), 1 << 20);
        if (c.appendOne()) {
            log.append(new Activity(T, "image", "PutObject", "images/x", 5, 0, 1, "200"));
        }

        ActivityLog.Read read = log.read();

        assertThat(read.activities()).hasSize(c.readable()).allSatisfy(a -> assertThat(a.outcome()).isEqualTo("200"));
        if (c.problem() == null) {
            assertThat(read.problems()).isEmpty();
        } else {
            assertThat(read.problems()).singleElement().asString().startsWith(file.toString()).contains(c.problem())
                    .contains("1 line(s) not readable");
        }
        if (c.appendOne()) {
            assertThat(read.activities()).last().extracting(Activity::key).isEqualTo("images/x");
        }
    }

    @Test
    void a_reader_sees_what_was_appended_since_it_last_read_and_the_end_of_a_line_once_written() throws Exception {
        ActivityLog log = new ActivityLog(dir.resolve("activity"), 1 << 20);
        log.append(new Activity(T, "sync", "PutObject", "sets/a", 1, 0, 1, "200"));
        assertThat(log.read().activities()).hasSize(1);

        log.append(new Activity(T.plusSeconds(1), "sync", "PutObject", "sets/b", 1, 0, 1, "200"));
        Path file = dir.resolve("activity/activity-2026-11.jsonl");
        String third = GOOD.replace("sets/a", "sets/c");
        Files.writeString(file, third.substring(0, 30), StandardOpenOption.APPEND);
        assertThat(log.read().activities()).extracting(Activity::key).containsExactly("sets/a", "sets/b");

        Files.writeString(file, third.substring(30), StandardOpenOption.APPEND);
        ActivityLog.Read read = log.read();
        assertThat(read.activities()).extracting(Activity::key).containsExactly("sets/a", "sets/b", "sets/c");
        assertThat(read.problems()).isEmpty();
        assertThat(new ActivityLog(dir.resolve("activity"), 1 << 20).read().activities()).as("a fresh reader agrees")
                .isEqualTo(read.activities());
    }

    @Test
    void a_log_larger_than_the_read_buffer_is_read_whole_with_lines_across_its_chunks() throws Exception {
        Path file = Files.createDirectories(dir.resolve("activity")).resolve("activity-2026-11.jsonl");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 12_000; i++) { // about 2 MiB: lines fall across the reader's 1 MiB chunks
            many.append(GOOD.replace("sets/a", "sets/" + i));
        }
        Files.writeString(file, many, StandardCharsets.UTF_8);

        ActivityLog.Read read = new ActivityLog(dir.resolve("activity"), 1 << 30).read();

        assertThat(read.problems()).isEmpty();
        assertThat(read.activities()).hasSize(12_000).extracting(Activity::key).startsWith("sets/0").endsWith("sets/11999");
    }

    @Test
    void a_pass_is_told_of_requests_not_recorded_while_the_disk_was_full_even_once_it_has_room_again() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 1)) {
            ActivityLog log = new ActivityLog(dir.resolve("disk/activity"), 1 << 20);
            Instant passStarted = T.plusSeconds(10);
            log.append(new Activity(T, "sync", "PutObject", "sets/before", 1, 0, 1, "200"));
            disk.leaveFree(0);
            int during = 100; // more than the page the file has left
            for (int i = 0; i < during; i++) {
                log.append(new Activity(passStarted.plusSeconds(i), "sync", "PutObject", "sets/%03d".formatted(i), 1, 0, 1, "200"));
            }

            assertThat(log.unrecordedSince(passStarted)).startsWith("cannot append to the activity log in " + dir.resolve("disk/activity"))
                    .contains("No space left on device");

            Files.delete(dir.resolve("disk/filler"));
            Instant recovered = passStarted.plusSeconds(during);
            log.append(new Activity(recovered, "sync", "PutObject", "sets/after", 1, 0, 1, "200"));

            String told = log.unrecordedSince(passStarted);
            long recorded = log.read().activities().stream().filter(a -> a.key().matches("sets/\\d+")).count();
            assertThat(told).as("the gap ended, but within the pass").matches("the activity log in .* missed \\d+ request\\(s\\) while it"
                    + " could not be written \\(cannot append to the activity log in .*No space left on device\\); it is written again");
            assertThat(Long.parseLong(told.replaceAll(".* missed (\\d+) request.*", "$1"))).as("every request is recorded or counted")
                    .isEqualTo(during - recorded).isPositive();
            assertThat(log.unrecordedSince(recovered.plusSeconds(1))).as("a later pass saw no gap").isNull();
        }
    }

    @Test
    void past_the_requests_it_may_hold_the_log_keeps_the_newest_and_says_how_many_older_it_left_out() throws Exception {
        Path activity = Files.createDirectories(dir.resolve("activity"));
        writeLines(activity.resolve("activity-2026-10.jsonl"), "2026-10-20T10:00:00Z", "old", 80);
        writeLines(activity.resolve("activity-2026-11.jsonl"), "2026-11-20T10:00:00Z", "new", 250); // alone more than held
        ActivityLog log = new ActivityLog(activity, 1 << 20, 100);

        ActivityLog.Read read = log.read();

        // every request of two months was held: 1.2 million of them took a heap of over 300 MB to show the page
        assertThat(read.activities()).hasSizeBetween(90, 100).extracting(Activity::key).last().isEqualTo("sets/new249");
        assertThat(read.activities()).extracting(Activity::key).allMatch(k -> k.startsWith("sets/new"));
        long left = 330 - read.activities().size();
        assertThat(read.problems()).containsExactly("the page counts the newest " + read.activities().size() + " requests of the last two months; "
                + left + " older ones, kept in " + activity + ", are left out of its totals and cost (raise offsite.activity.held-requests, with the heap, to hold them)");

        log.append(new Activity(Instant.parse("2026-11-21T10:00:00Z"), "sync", "PutObject", "sets/newest", 1, 0, 1, "200"));
        ActivityLog.Read next = log.read();

        assertThat(next.activities()).hasSizeBetween(90, 100).extracting(Activity::key).last().isEqualTo("sets/newest");
        assertThat(next.activities().size() + Long.parseLong(next.problems().get(0).replaceAll(".*; (\\d+) older.*", "$1"))).isEqualTo(331);
    }

    private static void writeLines(Path file, String time, String name, int n) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            lines.append(GOOD.replace("sets/a", "sets/" + name + i).replace("2026-11-23T23:41:07Z", time));
        }
        Files.writeString(file, lines, StandardCharsets.UTF_8);
    }

    @Test
    void the_names_every_line_repeats_are_held_once_however_many_lines_are_read() throws Exception {
        Path file = Files.createDirectories(dir.resolve("activity")).resolve("activity-2026-11.jsonl");
        Files.writeString(file, GOOD + GOOD.replace("sets/a", "sets/b"), StandardCharsets.UTF_8);

        List<Activity> read = new ActivityLog(dir.resolve("activity"), 1 << 20).read().activities();

        // two months of requests are kept for the status page: each of these names once, not once a line
        assertThat(read).hasSize(2);
        assertThat(read.get(1).pipeline()).isSameAs(read.get(0).pipeline());
        assertThat(read.get(1).operation()).isSameAs(read.get(0).operation());
        assertThat(read.get(1).outcome()).isSameAs(read.get(0).outcome());
        assertThat(read.get(1).key()).isEqualTo("sets/b");
    }

    @Test
    void a_month_file_replaced_by_a_shorter_one_is_read_again_from_its_start() throws Exception {
        ActivityLog log = new ActivityLog(dir.resolve("activity"), 1 << 20);
        for (int i = 0; i < 3; i++) {
            log.append(new Activity(T.plusSeconds(i), "sync", "PutObject", "sets/" + i, 1, 0, 1, "200"));
        }
        assertThat(log.read().activities()).hasSize(3);
        Path file = dir.resolve("activity/activity-2026-11.jsonl");
        List<String> lines = Files.readAllLines(file);
        Files.write(file, lines.subList(0, 1));

        assertThat(log.read().activities()).extracting(Activity::key).containsExactly("sets/0");
    }

    @Test
    void a_reader_holds_the_newest_month_and_the_one_before_whatever_the_years_on_disk() throws Exception {
        Path activity = Files.createDirectories(dir.resolve("activity"));
        for (String month : List.of("2024-01", "2025-12", "2026-09", "2026-10", "2026-11")) {
            Files.writeString(activity.resolve("activity-" + month + ".jsonl"), GOOD.replace("2026-11-23", month + "-23"), StandardCharsets.UTF_8);
        }
        Files.writeString(activity.resolve("activity-2026-10.2.jsonl"), GOOD.replace("2026-11-23", "2026-10-30"), StandardCharsets.UTF_8);
        ActivityLog log = new ActivityLog(activity, 1 << 20);

        List<Activity> read = log.readAll();

        assertThat(read).extracting(a -> a.time().toString().substring(0, 10)).containsExactly("2026-10-23", "2026-10-30", "2026-11-23");
        try (Stream<Path> files = Files.list(activity)) {
            assertThat(files).as("older months stay on disk").hasSize(6);
        }
    }

    static Stream<Activity> written() {
        return Stream.of(
                new Activity(T, "sync", "PutObject", "sets/a", 10, 0, 3, "200"),
                new Activity(Instant.parse("2026-11-23T23:41:07.123456789Z"), "image", "GetObject", "images/h/manifest.json", 0, 512, 12, "404"),
                new Activity(T, "other", "HeadBucket", "", 0, 0, 0, "IOException"),
                new Activity(T, "sync", "PutObject", "sets/</script>\u007f\u2028\u00a0'&<>.rdb", 1, 0, 1, "200"),
                new Activity(T, "sync", "UploadPart", "sets/Quote \" back\\slash\ttab\nnewline\u0001 été \uD83D\uDCBE.rdb", Long.MAX_VALUE, 0,
                        Long.MAX_VALUE, "500 InternalError"));
    }

    @ParameterizedTest
    @MethodSource("written")
    void an_activity_is_written_as_the_line_of_json_its_record_binds_to_and_read_back_equal(Activity a) throws Exception {
        ActivityLog log = new ActivityLog(dir.resolve("activity"), 1 << 20);

        log.append(a);

        ObjectMapper bound = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        Path file;
        try (Stream<Path> files = Files.list(dir.resolve("activity"))) {
            file = files.findFirst().orElseThrow();
        }
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(bound.writeValueAsString(a) + "\n");
        assertThat(new ActivityLog(dir.resolve("activity"), 1 << 20).readAll()).containsExactly(a);
    }
}
