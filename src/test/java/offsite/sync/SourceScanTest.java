package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SourceScanTest {

    private static final Instant WRITTEN = Instant.parse("2026-11-20T22:15:00Z");

    @TempDir
    Path dir;

    /** A tree of regular files, a hidden file and folder, a link to a file and to a folder outside the set. */
    private Path backupSet() throws IOException, InterruptedException {
        Path set = Files.createDirectories(dir.resolve("set"));
        write(set.resolve("Members/AA000001.rdb"), 3);
        write(set.resolve("Members/deep/er/AA000002.rdb"), 5);
        write(set.resolve("Storage.rdb"), 0);
        write(set.resolve("été 日本.rdb"), 7);
        write(set.resolve(".lock"), 1);
        write(set.resolve(".cache/index"), 1);
        Path outside = Files.createDirectories(dir.resolve("outside"));
        write(outside.resolve("other.rdb"), 11);
        Files.createSymbolicLink(set.resolve("linked-dir"), outside);
        Files.createSymbolicLink(set.resolve("linked-file.rdb"), outside.resolve("other.rdb"));
        Files.createSymbolicLink(set.resolve("Members/gone.rdb"), outside.resolve("groomed-away.rdb"));
        Files.createSymbolicLink(set.resolve(".hidden-link"), outside);
        assertThat(new ProcessBuilder("mkfifo", set.resolve("Members/pipe").toString()).inheritIO().start().waitFor()).isZero();
        Files.createFile(set.resolve("Members/empty-folder-marker")); // zero bytes is still a file
        Files.setLastModifiedTime(set.resolve("Members/empty-folder-marker"), FileTime.from(WRITTEN));
        return set;
    }

    private static void write(Path file, int size) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[size]);
        Files.setLastModifiedTime(file, FileTime.from(WRITTEN));
    }

    /** leftOut: what the scan names as not mirrored (hidden names never: they are left out on purpose). */
    record Case(String name, boolean followSymlinks, boolean throughLink, Map<String, Long> expected, List<String> leftOut) {
    }

    static Stream<Case> cases() {
        Map<String, Long> own = Map.of("Members/AA000001.rdb", 3L, "Members/deep/er/AA000002.rdb", 5L, "Storage.rdb", 0L,
                "été 日本.rdb", 7L, "Members/empty-folder-marker", 0L);
        Map<String, Long> withLinks = new TreeMap<>(own);
        withLinks.put("linked-dir/other.rdb", 11L);
        withLinks.put("linked-file.rdb", 11L);
        String notFollowed = " (a symbolic link: offsite.sync.follow-symlinks=true mirrors what it points to)";
        List<String> links = List.of("Members/gone.rdb" + notFollowed, "Members/pipe (a FIFO, socket or device)", "linked-dir" + notFollowed,
                "linked-file.rdb" + notFollowed);
        List<String> followed = List.of("Members/gone.rdb (a symbolic link to nothing)", "Members/pipe (a FIFO, socket or device)");
        return Stream.of(
                new Case("links left out", false, false, own, links),
                new Case("links followed when configured", true, false, withLinks, followed),
                new Case("the source itself a link, links left out", false, true, own, links),
                new Case("the source itself a link, links followed", true, true, withLinks, followed));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sees_every_regular_file_once_with_its_size_and_time_and_leaves_out_hidden_names(Case c) throws Exception {
        Path set = backupSet();
        Path source = c.throughLink() ? Files.createSymbolicLink(dir.resolve("backup"), set) : set;

        SourceScan.Snapshot seen = new SourceScan(source, Clock.systemUTC(), c.followSymlinks()).scan();

        assertThat(seen.problem()).isNull();
        Map<String, Long> sizes = new TreeMap<>();
        seen.files().forEach(f -> sizes.put(f.relativePath(), f.size()));
        assertThat(sizes).containsExactlyInAnyOrderEntriesOf(c.expected());
        assertThat(seen.files()).allSatisfy(f -> {
            assertThat(f.path()).isEqualTo(source.resolve(f.relativePath())); // under the source as configured
            assertThat(f.modified()).isEqualTo(WRITTEN);
        });
        assertThat(seen.leftOut().count()).isEqualTo(c.leftOut().size());
        assertThat(seen.leftOut().examples()).containsExactlyInAnyOrderElementsOf(c.leftOut());
        assertThat(seen.leftOut().note()).startsWith(c.leftOut().size() + " entries of the source not mirrored, being no regular file: ");
    }

    @Test
    void a_tree_of_regular_files_leaves_nothing_out_and_notes_nothing() throws Exception {
        write(dir.resolve("set/Members/AA000001.rdb"), 3);

        SourceScan.Snapshot seen = new SourceScan(dir.resolve("set"), Clock.systemUTC(), false).scan();

        assertThat(seen.leftOut()).isEqualTo(SourceScan.LeftOut.NONE);
        assertThat(seen.leftOut().note()).isNull();
    }

    @Test
    void many_left_out_are_counted_and_the_first_few_named() {
        SourceScan.LeftOut many = new SourceScan.LeftOut(7, List.of("a (x)", "b (x)", "c (x)", "d (x)", "e (x)"));

        assertThat(many.note()).isEqualTo("7 entries of the source not mirrored, being no regular file: a (x), b (x), c (x), d (x), e (x) and 2 more");
    }

    @Test
    void a_link_loop_when_following_links_marks_the_scan_incomplete_and_names_the_place_and_the_setting() throws Exception {
        Path set = backupSet();
        Files.createSymbolicLink(set.resolve("Members/deep/back-up"), set.resolve("Members"));

        SourceScan.Snapshot seen = new SourceScan(set, Clock.systemUTC(), true).scan();

        assertThat(seen.problem()).contains("offsite.sync.source", set.resolve("Members/deep/back-up").toString(),
                "leads back to a folder above it", "remove the link, or set offsite.sync.follow-symlinks=false");
        SourceScan.Snapshot notFollowing = new SourceScan(set, Clock.systemUTC(), false).scan();
        assertThat(notFollowing.problem()).isNull(); // the same tree is whole when links are left out
        assertThat(notFollowing.files()).hasSize(5);
    }

    @Test
    void each_file_comes_with_a_change_time_an_edit_moves_and_an_inode_a_replacement_changes() throws Exception {
        Path set = backupSet();
        Path chunk = set.resolve("Members/AA000001.rdb");
        LocalFile before = only(new SourceScan(set, Clock.systemUTC(), false).scan(), "Members/AA000001.rdb");
        Thread.sleep(20);
        Files.write(chunk, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(chunk, FileTime.from(WRITTEN));
        LocalFile edited = only(new SourceScan(set, Clock.systemUTC(), false).scan(), "Members/AA000001.rdb");
        Path other = Files.write(set.resolve("Members/new"), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(other, FileTime.from(WRITTEN));
        Files.move(other, chunk, StandardCopyOption.REPLACE_EXISTING);
        LocalFile replaced = only(new SourceScan(set, Clock.systemUTC(), false).scan(), "Members/AA000001.rdb");

        assertThat(before.changed()).isNotNull();
        assertThat(before.inode()).isPositive();
        assertThat(edited.size()).isEqualTo(before.size());
        assertThat(edited.modified()).isEqualTo(before.modified());
        assertThat(edited.changed()).as("an edit with size and mtime put back").isAfter(before.changed());
        assertThat(edited.inode()).isEqualTo(before.inode());
        assertThat(replaced.inode()).as("another file renamed over it").isNotEqualTo(before.inode());
    }

    private static LocalFile only(SourceScan.Snapshot seen, String relative) {
        return seen.files().stream().filter(f -> f.relativePath().equals(relative)).findFirst().orElseThrow();
    }

    @Test
    void a_missing_source_scans_empty_and_leaves_the_refusal_to_the_source_check() {
        SourceScan.Snapshot seen = new SourceScan(dir.resolve("not-mounted"), Clock.systemUTC(), false).scan();

        assertThat(seen.files()).isEmpty();
        assertThat(seen.problem()).isNull();
    }
}
