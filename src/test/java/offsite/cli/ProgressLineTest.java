package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import offsite.sync.RunProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one-line progress of one-shot commands: what it says, and how it is drawn on a terminal and in a log. */
class ProgressLineTest {

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of(null, 100L << 20, 25L << 20, false, "^25\\.0 MiB / 100\\.0 MiB  [0-9.]+ [KMG]?i?B/s  ETA [0-9hms]+$"),
                Arguments.of(null, 100L << 20, 25L << 20, true, "^25\\.0 MiB / 100\\.0 MiB  [0-9.]+ [KMG]?i?B/s  ETA [0-9hms]+  1 in flight$"),
                Arguments.of("compressing", 10L << 20, 5L << 20, false, "^compressing: 5\\.0 MiB / 10\\.0 MiB  .*ETA.*$"),
                Arguments.of("reading the tree", 0L, 3L << 20, false, "^reading the tree: 3\\.0 MiB  [0-9.]+ [KMG]?i?B/s$"));
    }

    @ParameterizedTest
    @MethodSource("lines")
    void the_line_says_bytes_rate_and_time_left_when_the_size_is_known(String label, long planned, long sent, boolean inFlight, String pattern)
            throws Exception {
        RunProgress p = new RunProgress(label, planned);
        Thread.sleep(5); // a measurable rate
        if (inFlight) {
            p.add(p.start("sets/a.rdb", sent), sent);
        } else {
            p.add(sent);
        }
        assertThat(ProgressLine.describe(p)).matches(pattern);
    }

    @Test
    void on_a_terminal_the_line_is_redrawn_in_place_and_cleared_at_the_end() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunProgress p = new RunProgress("uploading", 1000);
        p.add(500);
        try (ProgressLine line = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), true, () -> p)) {
            Thread.sleep(700); // the first draw comes at once, the next after 500 ms
        }
        String drawn = out.toString(StandardCharsets.UTF_8);
        assertThat(drawn).startsWith("\r\033[Kuploading: 500 B / 1000 B").doesNotContain("\n").endsWith("\r\033[K");
    }

    @Test
    void in_a_log_it_is_a_plain_line_and_nothing_while_no_run_is_under_way() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunProgress p = new RunProgress(2000);
        p.add(1000);
        try (ProgressLine line = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), false, () -> p)) {
            Thread.sleep(200);
        }
        try (ProgressLine idle = new ProgressLine(new PrintStream(out, true, StandardCharsets.UTF_8), false, () -> null)) {
            Thread.sleep(200);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).matches("(?s)^progress: 1000 B / 2.0 KiB  .*ETA.*\n$");
    }
}
