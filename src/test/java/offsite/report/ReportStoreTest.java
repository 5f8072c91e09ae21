package offsite.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The last report read back when image-latest.json is damaged: the newest readable one, and the file named (issue 15 item 8). */
class ReportStoreTest {

    @TempDir
    Path dir;

    /** What image-latest.json holds after two backups were saved; which backup a reader gets and what it is told. */
    record Damage(String name, String latest, boolean keepDated, String expectedId, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Damage> damage() {
        return Stream.of(
                new Damage("an intact latest report", null, true, "second", null),
                new Damage("garbage: the newest dated report instead, and the file named", "garbage\u0000", true, "second",
                        "image-latest.json is not a readable report (Unrecognized token 'garbage"),
                new Damage("cut short by a crash", "{\"status\":\"OK\",\"reason\":\"full back", true, "second", "image-latest.json is not a readable report"),
                new Damage("an empty file", "", true, "second", "(the file is empty)"),
                new Damage("JSON without a status", "{\"status\":null,\"retentionDeleted\":[],\"notes\":[],\"errors\":[]}", true, "second",
                        "(its status or times are missing)"),
                new Damage("JSON of another shape", "{}", true, "second", "(its fields are missing or of the wrong kind)"),
                new Damage("garbage and no dated report: none, and why", "garbage", false, null, "nor is any dated image report"));
    }

    @ParameterizedTest
    @MethodSource("damage")
    void a_damaged_latest_report_is_named_and_the_newest_readable_one_shown(Damage c) throws Exception {
        ReportStore store = new ReportStore(dir);
        store.save(image("first", Instant.parse("2026-11-23T10:00:00Z")));
        store.save(image("second", Instant.parse("2026-11-23T11:00:00Z")));
        if (!c.keepDated()) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(p -> !p.getFileName().toString().equals("image-latest.json")).toList()) {
                    Files.delete(p);
                }
            }
        }
        if (c.latest() != null) {
            Files.writeString(dir.resolve("image-latest.json"), c.latest(), StandardCharsets.ISO_8859_1);
        }

        ReportStore.Latest<ImageReport> latest = store.image();

        assertThat(latest.report() == null ? null : latest.report().id()).isEqualTo(c.expectedId());
        assertThat(store.latestImage()).isEqualTo(latest.report());
        if (c.problem() == null) {
            assertThat(latest.problem()).isNull();
        } else {
            assertThat(latest.problem()).startsWith(dir.resolve("image-latest.json").toString()).contains(c.problem());
            if (c.expectedId() != null) {
                assertThat(latest.problem()).endsWith("showing image-20261123T110000Z.json, the newest that is");
            }
        }
    }

    @Test
    void reports_ending_in_the_same_second_each_keep_their_own_files() throws Exception {
        ReportStore store = new ReportStore(dir);
        Instant second = Instant.parse("2026-11-23T11:00:00Z");

        store.save(image("first", second));
        store.save(image("second", second));
        store.save(image("third", second));

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("image-20261123T110000Z-2.json",
                    "image-20261123T110000Z-2.txt", "image-20261123T110000Z-3.json", "image-20261123T110000Z-3.txt",
                    "image-20261123T110000Z.json", "image-20261123T110000Z.txt", "image-latest.json");
        }
        assertThat(Files.readString(dir.resolve("image-20261123T110000Z.json"))).contains("\"first\"");
        assertThat(Files.readString(dir.resolve("image-20261123T110000Z-3.json"))).contains("\"third\"");
        assertThat(store.latestImage().id()).isEqualTo("third");
    }

    @Test
    void only_the_newest_thousand_dated_reports_of_a_kind_are_kept() throws Exception {
        ReportStore store = new ReportStore(dir);
        Instant first = Instant.parse("2026-01-01T00:00:00Z");
        for (int hour = 0; hour < ReportStore.KEPT + 3; hour++) {
            store.save(image("i" + hour, first.plusSeconds(3600L * hour)));
        }

        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(2 * ReportStore.KEPT + 1).contains("image-latest.json")
                    .doesNotContain("image-20260101T000000Z.json", "image-20260101T020000Z.txt")
                    .contains("image-20260101T030000Z.json", "image-20260101T030000Z.txt");
        }
        assertThat(store.latestImage().id()).isEqualTo("i" + (ReportStore.KEPT + 2));
    }

    @Test
    void the_latest_report_is_as_readable_as_the_dated_ones() throws Exception {
        ReportStore store = new ReportStore(dir);

        store.save(image("first", Instant.parse("2026-11-23T11:00:00Z")));

        // was rw------- (a temporary file's): another user of the data directory (a container's other uid) could not read it
        assertThat(Files.getPosixFilePermissions(dir.resolve("image-latest.json")))
                .isEqualTo(Files.getPosixFilePermissions(dir.resolve("image-20261123T110000Z.json")));
    }

    private static ImageReport image(String id, Instant finished) {
        return new ImageReport(RunStatus.OK, "full backup " + id + " stored", id, "full", "first backup", finished.minusSeconds(60), finished,
                1000, 400, 0, 0, List.of(), 1, List.of(), List.of());
    }
}
