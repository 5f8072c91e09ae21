package offsite.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import offsite.report.OfflineReport;
import offsite.report.ReportStore;
import offsite.report.RunStatus;
import offsite.sync.LocalFile;
import offsite.sync.MaintenanceGuard;
import offsite.sync.SourceScan;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineCopyTest {

    /** The guard of a set no backup application marks as busy. */
    static final MaintenanceGuard NO_MARKERS = new MaintenanceGuard(List.of(), Duration.ZERO);

    @TempDir
    Path dir;

    Path set;
    Path drive;

    @BeforeEach
    void backupSet() throws Exception {
        set = Files.createDirectories(dir.resolve("set/Members"));
        Files.write(set.resolve("AA000001.rdb"), new byte[300_000]);
        Files.writeString(set.resolve("AA000002.rdb"), "chunk two");
        set = set.getParent();
        Files.writeString(set.resolve("Set A.rbc"), "catalog");
        drive = Files.createDirectories(dir.resolve("usb"));
    }

    /** The mirror's scan of a set, as the app gives the offline copy. */
    static SourceScan scanOf(Path set) {
        return new SourceScan(set, Clock.systemUTC(), false);
    }

    private static Clock at(String day) {
        return Clock.fixed(Instant.parse(day + "T03:00:00Z"), ZoneOffset.UTC);
    }

    /** A clock of that day's 03:00 that moves a second each time it is read, and first runs a step (which may be nothing). */
    private static Clock ticking(String day, Runnable eachRead) {
        AtomicLong reads = new AtomicLong();
        return new Clock() {
            @Override
            public Instant instant() {
                eachRead.run();
                return Instant.parse(day + "T03:00:00Z").plusSeconds(reads.getAndIncrement());
            }

            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
    }

    @Test
    void no_copy_starts_while_a_maintenance_marker_exists_and_the_drive_is_left_as_it_was() throws Exception {
        new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-11-01"), p -> Long.MAX_VALUE).copy();
        Files.createDirectories(drive.resolve("2026-10-01.partial")); // a killed copy's part: removed by a copy, not by a refusal
        Path marker = Files.createFile(Files.createDirectories(dir.resolve("backup-app")).resolve("groom.lock"));
        MaintenanceGuard guard = new MaintenanceGuard(List.of(dir + "/backup-app/*.lock"), Duration.ZERO);

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), guard, Duration.ZERO, drive, false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

        assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.WARN);
        assertThat(result.message()).contains("maintenance marker " + marker + " exists (offsite.sync.maintenance-marker)")
                .contains("no copy started");
        try (Stream<Path> left = Files.list(drive)) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("2026-11-01", "2026-10-01.partial");
        }
    }

    /** The set as a backup application leaves it: written a day before the copy, save the times set after. */
    private void writtenBefore(String day, String... relativeAndTime) throws Exception {
        try (Stream<Path> files = Files.walk(set)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, FileTime.from(Instant.parse(day + "T03:00:00Z").minus(Duration.ofDays(1))));
            }
        }
        for (int i = 0; i < relativeAndTime.length; i += 2) {
            Files.setLastModifiedTime(set.resolve(relativeAndTime[i]), FileTime.from(Instant.parse(relativeAndTime[i + 1])));
        }
    }

    @Test
    void no_copy_starts_while_the_set_was_modified_within_the_quiet_period_and_the_warning_names_the_newest_file_and_its_age() throws Exception {
        writtenBefore("2026-11-01");
        new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-11-01"), p -> Long.MAX_VALUE).copy();
        writtenBefore("2026-12-01", "Set A.rbc", "2026-12-01T02:52:00Z", "Members/AA000002.rdb", "2026-12-01T02:57:00Z");
        MaintenanceGuard quiet = new MaintenanceGuard(List.of(), Duration.ofMinutes(10));

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), quiet, Duration.ofMinutes(2), drive, false, at("2026-12-01"),
                p -> Long.MAX_VALUE).copy();

        assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.WARN);
        assertThat(result.message()).isEqualTo("the backup application is at work on the set: source file Members/AA000002.rdb was"
                + " modified at 2026-12-01T02:57:00Z, 3 min ago, within offsite.sync.quiet-period (10 min); no copy started, nothing"
                + " written to " + drive + " (a snapshot taken now could hold a set it never left, or a chunk half-written); try again"
                + " once it is idle");
        try (Stream<Path> left = Files.list(drive)) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("2026-11-01");
        }
        OfflineCopy.Result later = new OfflineCopy(scanOf(set), quiet, Duration.ofMinutes(2), drive, false,
                Clock.fixed(Instant.parse("2026-12-01T03:08:00Z"), ZoneOffset.UTC), p -> Long.MAX_VALUE).copy();
        assertThat(later.ok()).as("idle for the quiet period: " + later.message()).isTrue();
    }

    @Test
    void a_chunk_modified_within_stable_for_is_not_copied_half_written_the_copy_waits_whole() throws Exception {
        writtenBefore("2026-12-01", "Members/AA000001.rdb", "2026-12-01T02:59:20Z");

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ofMinutes(2), drive, false, at("2026-12-01"),
                p -> Long.MAX_VALUE).copy();

        assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.WARN);
        assertThat(result.message()).contains("source file Members/AA000001.rdb was modified at 2026-12-01T02:59:20Z, 40 s ago,"
                + " within offsite.sync.stable-for (2 min); no copy started");
        try (Stream<Path> left = Files.list(drive)) {
            assertThat(left).as("no snapshot with the chunk left out, nor one with it half-written").isEmpty();
        }
    }

    @Test
    void a_marker_that_appears_during_the_copy_stops_it_leaving_no_folder_that_looks_complete_and_the_last_snapshot_intact() throws Exception {
        new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-11-01"), p -> Long.MAX_VALUE).copy();
        Path marker = dir.resolve("backup-app/groom.lock");
        Files.createDirectories(marker.getParent());
        MaintenanceGuard guard = new MaintenanceGuard(List.of(marker.toString()), Duration.ZERO);
        // the backup application begins grooming once the first chunk is on the drive
        Clock clock = ticking("2026-12-01", () -> {
            try {
                if (Files.exists(drive.resolve("2026-12-01.partial/Members/AA000001.rdb")) && !Files.exists(marker)) {
                    Files.createFile(marker);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), guard, Duration.ZERO, drive, false, clock, p -> Long.MAX_VALUE).copy();

        assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.FAILED);
        assertThat(result.message()).startsWith("copy incomplete, stopped (1 of 3 files copied): maintenance marker " + marker
                + " exists (offsite.sync.maintenance-marker), which appeared during the copy")
                .contains("the last complete one (" + drive.resolve("2026-11-01") + ") kept as it was");
        try (Stream<Path> left = Files.list(drive)) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("2026-11-01");
        }
        assertThat(sha256sumCheck(drive.resolve("2026-11-01"), "SHA256SUMS")).contains("Members/AA000002.rdb: OK");
    }

    @Test
    void a_marker_that_appears_while_a_big_chunk_is_copied_stops_the_copy_within_that_chunk() throws Exception {
        new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-11-01"), p -> Long.MAX_VALUE).copy();
        Files.write(set.resolve("Members/AA000000.rdb"), new byte[8 << 20]); // a chunk of 8 buffers, copied first
        Path big = drive.resolve("2026-12-01.partial/Members/AA000000.rdb");
        Path marker = dir.resolve("backup-app/groom.lock");
        Files.createDirectories(marker.getParent());
        MaintenanceGuard guard = new MaintenanceGuard(List.of(marker.toString()), Duration.ZERO);
        // the backup application begins grooming once the chunk's first megabyte is on the drive
        Clock clock = ticking("2026-12-01", () -> {
            try {
                if (Files.exists(big) && Files.size(big) >= 1 << 20 && !Files.exists(marker)) {
                    Files.createFile(marker);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), guard, Duration.ZERO, drive, false, clock, p -> Long.MAX_VALUE).copy();

        assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.FAILED);
        assertThat(result.busy()).as("tried again by the schedule").isTrue();
        // looked for between files only, the marker would be seen after the whole chunk: "1 of 4 files copied"
        assertThat(result.message()).startsWith("copy incomplete, stopped (0 of 4 files copied, Members/AA000000.rdb stopped after ")
                .contains(" of its " + (8 << 20) + " bytes): maintenance marker " + marker + " exists (offsite.sync.maintenance-marker),"
                        + " which appeared during the copy")
                .contains(drive.resolve("2026-12-01.partial") + " removed")
                .contains("the last complete one (" + drive.resolve("2026-11-01") + ") kept as it was");
        try (Stream<Path> left = Files.list(drive)) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("2026-11-01");
        }
        assertThat(sha256sumCheck(drive.resolve("2026-11-01"), "SHA256SUMS")).contains("Members/AA000001.rdb: OK");
    }

    @Test
    void a_snapshot_lands_in_a_dated_folder_that_sha256sum_verifies() throws Exception {
        OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

        assertThat(result.ok()).as(result.message()).isTrue();
        assertThat(result.files()).isEqualTo(3);
        Path snapshot = drive.resolve("2026-12-01");
        assertThat(snapshot.resolve("Members/AA000002.rdb")).hasContent("chunk two");
        Process check = new ProcessBuilder("sha256sum", "-c", "SHA256SUMS").directory(snapshot.toFile()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor()).as(out).isZero();
        assertThat(out).contains("Set A.rbc: OK");
    }

    @Test
    void the_snapshot_holds_the_set_as_mirrored_without_hidden_names_or_the_data_directory() throws Exception {
        Files.writeString(set.resolve(".DS_Store"), "finder");
        Files.createDirectories(set.resolve(".Trash-1000/files"));
        Files.writeString(set.resolve(".Trash-1000/files/old.rdb"), "trashed");
        Path data = Files.createDirectories(set.resolve("offsite-data/reports")).getParent(); // offsite.data.dir inside the source
        Files.writeString(data.resolve("reports/sync-latest.json"), "{}");
        SourceScan mirror = new SourceScan(set, Clock.systemUTC(), false, data);

        OfflineCopy.Result result = new OfflineCopy(mirror, NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

        assertThat(result.ok()).as(result.message()).isTrue();
        Path snapshot = drive.resolve("2026-12-01");
        assertThat(snapshot.resolve(".DS_Store")).doesNotExist();
        assertThat(snapshot.resolve(".Trash-1000")).doesNotExist();
        assertThat(snapshot.resolve("offsite-data")).doesNotExist();
        List<String> summed = Files.readAllLines(snapshot.resolve("SHA256SUMS")).stream().map(l -> l.substring(66)).toList();
        assertThat(summed).as("the files the mirror mirrors, no more, no fewer")
                .containsExactlyInAnyOrderElementsOf(mirror.scan().files().stream().map(LocalFile::relativePath).toList());
    }

    @Test
    void a_set_with_its_own_SHA256SUMS_keeps_it_and_the_sums_go_beside_it() throws Exception {
        Files.writeString(set.resolve("SHA256SUMS"), "the user's own file\n");

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

        assertThat(result.ok()).as(result.message()).isTrue();
        Path snapshot = drive.resolve("2026-12-01");
        assertThat(snapshot.resolve("SHA256SUMS")).hasContent("the user's own file");
        assertThat(result.message()).contains("checksums in SHA256SUMS.offsite: the set has its own SHA256SUMS");
        String out = sha256sumCheck(snapshot, "SHA256SUMS.offsite");
        assertThat(out).contains("SHA256SUMS: OK").contains("Set A.rbc: OK");
    }

    @Test
    void names_with_a_newline_a_backslash_or_a_carriage_return_are_escaped_as_sha256sum_does() throws Exception {
        Files.writeString(set.resolve("line\nbreak.rdb"), "one");
        Files.writeString(set.resolve("Members/back\\slash.rdb"), "two");
        Files.writeString(set.resolve("cr\rname.rdb"), "three");

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

        assertThat(result.ok()).as(result.message()).isTrue();
        Path snapshot = drive.resolve("2026-12-01");
        assertThat(snapshot.resolve("Members/back\\slash.rdb")).hasContent("two");
        String out = sha256sumCheck(snapshot, "SHA256SUMS");
        assertThat(out).contains("\\line\\nbreak.rdb: OK").contains("Members/back\\slash.rdb: OK");
        // each line as GNU sha256sum writes it for the same name
        List<String> sums = Files.readAllLines(snapshot.resolve("SHA256SUMS"));
        for (String name : List.of("line\nbreak.rdb", "Members/back\\slash.rdb", "cr\rname.rdb")) {
            Process own = new ProcessBuilder("sha256sum", "--", name).directory(set.toFile()).start();
            String line = new String(own.getInputStream().readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
            assertThat(own.waitFor()).isZero();
            assertThat(sums).contains(line);
        }
    }

    @Test
    void a_name_that_is_not_utf8_keeps_its_bytes_on_the_drive_and_in_the_sums() throws Exception {
        Path latin1 = Path.of(URI.create(set.toUri() + "Members/caf%E9.rdb")); // a Latin-1 name, as an old backup application writes
        Files.writeString(latin1, "latin-1");

        OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

        assertThat(result.ok()).as(result.message()).isTrue();
        Path snapshot = drive.resolve("2026-12-01");
        assertThat(Path.of(URI.create(snapshot.toUri() + "Members/caf%E9.rdb"))).hasContent("latin-1");
        String out = sha256sumCheck(snapshot, "SHA256SUMS");
        assertThat(out).contains("Members/AA000001.rdb: OK");
        byte[] line = "  Members/caf?.rdb\n".getBytes(StandardCharsets.US_ASCII);
        line[line.length - 6] = (byte) 0xE9;
        assertThat(Files.readAllBytes(snapshot.resolve("SHA256SUMS"))).containsSequence(line);
    }

    private static String sha256sumCheck(Path snapshot, String sums) throws Exception {
        Process check = new ProcessBuilder("sha256sum", "--strict", "-c", sums).directory(snapshot.toFile()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void a_copy_that_fails_leaves_no_part_behind_and_one_a_killed_copy_left_goes_at_the_next() throws Exception {
        Path killed = Files.createDirectories(drive.resolve("2026-10-01.partial/Members"));
        Files.write(killed.resolve("AA000001.rdb"), new byte[200_000]);

        // the backup application removes a chunk after the set was looked at, before it is copied
        OfflineCopy.Result failed = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-11-01"), p -> {
            try {
                Files.delete(set.resolve("Members/AA000002.rdb"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Long.MAX_VALUE;
        }).copy();

        // each failed or killed month left its DAY.partial for good, until the drive was too full for any copy
        assertThat(failed.ok()).isFalse();
        assertThat(failed.message()).startsWith("offline copy to " + drive + " failed: ");
        try (Stream<Path> left = Files.list(drive)) {
            assertThat(left).isEmpty();
        }

        Files.createDirectories(drive.resolve("2026-11-01.partial"));
        Files.writeString(set.resolve("Members/AA000002.rdb"), "chunk two");
        OfflineCopy.Result december = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();
        assertThat(december.ok()).as(december.message()).isTrue();
        try (Stream<Path> left = Files.list(drive)) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("2026-12-01");
        }
    }

    @Test
    void an_unmounted_destination_is_refused() {
        OfflineCopy.Result missing = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, dir.resolve("not-plugged-in"), false, at("2026-12-01"), p -> Long.MAX_VALUE).copy();
        OfflineCopy.Result plainDir = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, true, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

        assertThat(missing.ok()).isFalse();
        assertThat(missing.message()).contains("offsite.offline.destination").contains("does not exist");
        assertThat(plainDir.ok()).isFalse();
        assertThat(plainDir.message()).contains("is not a mount point");
    }

    @Test
    void oldest_snapshots_go_only_after_the_new_one_is_complete_until_the_next_fits() throws Exception {
        AtomicLong free = new AtomicLong(Long.MAX_VALUE);
        new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-10-01"), p -> free.get()).copy();
        new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-11-01"), p -> free.get()).copy();
        // the drive is nearly full now: room for one more set, not for two
        long block = Files.getFileStore(drive).getBlockSize(); // each file takes whole blocks of the drive
        long setSize = ((300_000 + block - 1) / block + 2) * block;
        free.set(setSize);
        AtomicLong calls = new AtomicLong();

        OfflineCopy.Result december = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"),
                p -> calls.incrementAndGet() == 1 ? setSize : (calls.get() < 4 ? 0 : setSize)).copy();

        assertThat(december.ok()).as(december.message()).isTrue();
        assertThat(december.removed()).containsExactly("2026-10-01", "2026-11-01");
        assertThat(drive.resolve("2026-12-01")).isDirectory();
    }

    @Test
    void a_set_without_room_is_refused_and_nothing_is_removed() throws Exception {
        new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-11-01"), p -> Long.MAX_VALUE).copy();

        OfflineCopy.Result full = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, at("2026-12-01"), p -> 10).copy();

        assertThat(full.ok()).isFalse();
        assertThat(full.message()).contains("bytes free");
        assertThat(drive.resolve("2026-11-01")).isDirectory();
        assertThat(drive.resolve("2026-12-01.partial")).doesNotExist();
    }

    @Test
    void a_set_of_many_small_files_is_measured_in_the_drives_blocks_and_refused_before_it_fills_the_drive() throws Exception {
        try (LoopDrive usb = LoopDrive.mount(dir)) {
            // 1 KiB files: in bytes a quarter of the drive's free space, in its 4 KiB blocks more than all of it
            long files = Files.getFileStore(usb.mountPoint()).getUsableSpace() / 4096 + 300;
            byte[] small = new byte[1024];
            for (int i = 0; i < files; i++) {
                small[0] = (byte) i;
                Files.write(set.resolve(String.format("Members/BB%06d.rdb", i)), small);
            }

            OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb.mountPoint(), true, at("2026-12-01"), OfflineCopy::usableSpace).copy();

            assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.WARN);
            assertThat(result.message()).startsWith("offsite.offline.destination: " + usb.mountPoint() + " has ")
                    .contains(" bytes free, the set needs ").contains(" files, each taking whole 4096-byte blocks)");
            try (Stream<Path> left = Files.list(usb.mountPoint())) {
                assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("lost+found");
            }
        }
    }

    /** A real drive with room for 8 MiB but only this many inodes (a tmpfs mounted with nr_inodes), on dir/usb-drive. */
    private Path fewInodes(int inodes) throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb-drive"));
        Assumptions.assumeTrue(LoopDrive.run("mount", "-t", "tmpfs", "-o", "size=8m,nr_inodes=" + inodes, "tmpfs", usb.toString()),
                "cannot mount a tmpfs (needs root)");
        return usb;
    }

    @Test
    void a_drive_with_blocks_left_but_no_inodes_is_refused_before_the_copy_naming_the_inodes_free_and_needed() throws Exception {
        for (int i = 0; i < 200; i++) {
            Files.writeString(set.resolve(String.format("Members/BB%06d.rdb", i)), "small chunk " + i);
        }
        Path usb = fewInodes(150);
        try {
            OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb, true, at("2026-12-01"),
                    OfflineCopy::usableSpace).copy();

            // the blocks: 203 files of 4 KiB at most in 8 MiB; the inodes: 149 free, one for each file and folder
            assertThat(result.status()).as(result.message()).isEqualTo(RunStatus.WARN);
            assertThat(result.message()).isEqualTo("offsite.offline.destination: " + usb + " has 149 inodes free (of 150), the set needs"
                    + " 206 there (203 files, 1 folder, the snapshot's folder and its checksum file: one inode each); free some or use a"
                    + " drive made with more inodes (mkfs.ext4 -i or -N; old snapshots are removed only after a new one is complete)");
            try (Stream<Path> left = Files.list(usb)) {
                assertThat(left).isEmpty();
            }
        } finally {
            LoopDrive.run("umount", usb.toString());
        }
    }

    @Test
    void old_snapshots_go_after_a_new_one_is_complete_until_the_drives_inodes_hold_the_next() throws Exception {
        // each snapshot of the set takes 6 inodes (3 files, Members, its folder, SHA256SUMS); the drive's root takes one
        Path usb = fewInodes(14);
        try {
            OfflineCopy.Result october = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb, true, at("2026-10-01"),
                    OfflineCopy::usableSpace).copy();
            OfflineCopy.Result november = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb, true, at("2026-11-01"),
                    OfflineCopy::usableSpace).copy();

            assertThat(october.ok()).as(october.message()).isTrue();
            assertThat(october.removed()).as("7 inodes left: room for another").isEmpty();
            assertThat(november.ok()).as(november.message()).isTrue();
            assertThat(november.removed()).as("1 inode left: October goes, now that November is complete").containsExactly("2026-10-01");
            try (Stream<Path> left = Files.list(usb)) {
                assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("2026-11-01");
            }
            OfflineCopy.Result december = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb, true, at("2026-12-01"),
                    OfflineCopy::usableSpace).copy();
            assertThat(december.ok()).as("the month after: " + december.message()).isTrue();
        } finally {
            LoopDrive.run("umount", usb.toString());
        }
    }

    @Test
    void a_drive_unmounted_during_the_copy_stops_it_before_anything_lands_on_the_system_disk() throws Exception {
        Path usb = dir.resolve("usb-drive");
        SmallDisk usbDisk = SmallDisk.mount(usb, 8);
        AtomicLong calls = new AtomicLong();

        // the drive goes (unplugged, auto-unmounted) after the copy began: its mount point is an empty folder of the system disk
        OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb, true, at("2026-12-01"), p -> {
            if (calls.incrementAndGet() == 1) {
                usbDisk.unplug();
            }
            return Long.MAX_VALUE;
        }).copy();

        assertThat(result.ok()).as(result.message()).isFalse();
        assertThat(result.message()).contains("offsite.offline.destination: " + usb + " is no longer the drive the copy began on");
        try (Stream<Path> left = Files.list(usb)) {
            assertThat(left).as("nothing written into the empty mount point, on the system disk").isEmpty();
        }
    }

    @Test
    void a_snapshot_said_verified_is_on_the_drive_itself_not_only_in_the_page_cache() throws Exception {
        byte[] chunk = new byte[64 << 10];
        new Random(11).nextBytes(chunk);
        Files.write(set.resolve("Members/AA000003.rdb"), chunk);
        try (LoopDrive usb = LoopDrive.mount(dir)) {
            OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb.mountPoint(), true, at("2026-12-01"), OfflineCopy::usableSpace).copy();

            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.message()).endsWith("verified (read back from the drive)");
            // read at once, well before the kernel writes back dirty pages on its own (30 s): only a sync put them there
            byte[] blocks = usb.blocks();
            assertThat(LoopDrive.indexOf(blocks, chunk)).as("the chunk's bytes in the drive's blocks").isNotNegative();
            byte[] sums = Files.readAllBytes(usb.mountPoint().resolve("2026-12-01/SHA256SUMS"));
            assertThat(LoopDrive.indexOf(blocks, sums)).as("SHA256SUMS in the drive's blocks").isNotNegative();
        }
    }

    @Test
    void every_file_of_a_snapshot_of_many_small_files_is_on_the_drive_itself_when_the_copy_says_ok() throws Exception {
        Random random = new Random(13);
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] small = new byte[1024];
            random.nextBytes(small);
            Files.write(set.resolve(String.format("Members/BB%06d.rdb", i)), small);
            written.add(small);
        }
        try (LoopDrive usb = LoopDrive.mount(dir)) {
            OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb.mountPoint(), true, at("2026-12-01"),
                    OfflineCopy::usableSpace).copy();

            assertThat(result.ok()).as(result.message()).isTrue();
            // read at once, before the kernel writes dirty pages back on its own: each file starts one of the drive's 4 KiB blocks
            byte[] blocks = usb.blocks();
            Set<ByteBuffer> starts = new HashSet<>();
            for (int at = 0; at + 1024 <= blocks.length; at += 4096) {
                starts.add(ByteBuffer.wrap(blocks, at, 1024).slice());
            }
            for (int i = 0; i < written.size(); i++) {
                assertThat(starts).as("BB%06d.rdb in the drive's blocks", i).contains(ByteBuffer.wrap(written.get(i)));
            }
        }
    }

    @Test
    void every_file_is_on_the_drive_itself_before_the_read_back_which_would_flush_it_on_its_own() throws Exception {
        Random random = new Random(17);
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] chunk = new byte[16 << 10];
            random.nextBytes(chunk);
            Files.write(set.resolve(String.format("Members/BB%06d.rdb", i)), chunk);
            written.add(chunk);
        }
        try (LoopDrive usb = LoopDrive.mount(dir)) {
            AtomicLong scans = new AtomicLong();
            List<byte[]> atSecondScan = new ArrayList<>();
            // the second scan runs once every file is copied and the drive synced, before the read-back (whose direct reads
            // write each file's dirty pages first, so that a copy that never synced would pass it): the drive's blocks then
            Clock scanClock = new Clock() {
                @Override
                public Instant instant() {
                    if (scans.incrementAndGet() == 2) {
                        try {
                            atSecondScan.add(usb.blocks());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return Instant.now();
                }

                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }
            };

            OfflineCopy.Result result = new OfflineCopy(new SourceScan(set, scanClock, false), NO_MARKERS, Duration.ZERO, usb.mountPoint(),
                    true, at("2026-12-01"), OfflineCopy::usableSpace).copy();

            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(atSecondScan).hasSize(1);
            byte[] blocks = atSecondScan.get(0); // each file starts one of the drive's 4 KiB blocks
            Set<ByteBuffer> starts = new HashSet<>();
            for (int at = 0; at + (16 << 10) <= blocks.length; at += 4096) {
                starts.add(ByteBuffer.wrap(blocks, at, 16 << 10).slice());
            }
            for (int i = 0; i < written.size(); i++) {
                assertThat(starts).as("BB%06d.rdb in the drive's blocks before the read-back", i).contains(ByteBuffer.wrap(written.get(i)));
            }
        }
    }

    @Test
    void a_drive_that_gives_back_other_bytes_than_it_was_given_fails_the_copy() throws Exception {
        byte[] chunk = new byte[64 << 10];
        new Random(12).nextBytes(chunk);
        Files.write(set.resolve("Members/AA000003.rdb"), chunk);
        try (LoopDrive usb = LoopDrive.mount(dir)) {
            AtomicLong scans = new AtomicLong();
            // the mirror's scan reads its clock as it starts; the second scan runs after every file is copied and synced,
            // before the read-back: the drive's block of the chunk goes bad there, its page cache still holding the good bytes
            Clock scanClock = new Clock() {
                @Override
                public Instant instant() {
                    if (scans.incrementAndGet() == 2) {
                        try {
                            usb.damage(chunk, 1000);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return Instant.now();
                }

                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return this;
                }
            };

            OfflineCopy.Result result = new OfflineCopy(new SourceScan(set, scanClock, false), NO_MARKERS, Duration.ZERO, usb.mountPoint(), true, at("2026-12-01"),
                    OfflineCopy::usableSpace).copy();

            assertThat(scans.get()).as("the drive was damaged between the copy and the read-back").isEqualTo(2);
            assertThat(result.ok()).as(result.message()).isFalse();
            assertThat(result.message()).isEqualTo("verification failed for Members/AA000003.rdb on " + usb.mountPoint()
                    + ": the drive gave back other bytes than were written to it; it may be failing");
            assertThat(usb.mountPoint().resolve("2026-12-01")).doesNotExist();
        }
    }

    @Test
    void a_drive_that_refuses_direct_reads_is_read_back_once_its_cached_pages_are_dropped_and_the_report_says_so() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("ram-drive"));
        // ramfs takes no O_DIRECT (tmpfs does since Linux 6.6), as some FUSE drivers of USB drives do not
        Assumptions.assumeTrue(LoopDrive.run("mount", "-t", "ramfs", "ramfs", usb.toString()), "cannot mount a ramfs (needs root)");
        try {
            OfflineCopy.Result result = new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, usb, true, at("2026-12-01"), p -> Long.MAX_VALUE).copy();

            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.message()).endsWith("verified (read back from the drive once its cached pages were dropped: " + usb
                    + " direct reads refused (Invalid argument))");
        } finally {
            LoopDrive.run("umount", usb.toString());
        }
    }

    @Test
    void the_cron_firing_during_a_try_again_of_the_period_before_sends_no_alarm_and_that_copy_stands_for_the_new_period()
            throws Exception {
        CountDownLatch inCopy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ToLongFunction<Path> slowDrive = p -> { // the try again, mid-way when the cron fires
            inCopy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Long.MAX_VALUE;
        };
        ReportStore reports = new ReportStore(dir.resolve("reports"));
        Instant firing = Instant.parse("2026-12-01T03:00:00Z");
        Clock clock = Clock.fixed(firing, ZoneOffset.UTC);
        OfflineRun run = new OfflineRun(new OfflineCopy(scanOf(set), NO_MARKERS, Duration.ZERO, drive, false, clock, slowDrive), reports,
                "0 0 3 1 * ?", Duration.ofHours(1), Duration.ZERO, clock, dir.resolve("offline.lock"));
        ExecutorService tryAgain = Executors.newSingleThreadExecutor();
        try {
            Future<OfflineReport> retried = tryAgain.submit(() -> run.run(OfflineRequest.retry()));
            assertThat(inCopy.await(30, TimeUnit.SECONDS)).as("the try again reached the drive").isTrue();

            OfflineReport scheduled = run.run(null);

            assertThat(scheduled.busy()).isTrue();
            assertThat(scheduled.repeated()).as("not sent, no dated report: the copy under way reports itself").isTrue();
            release.countDown();
            OfflineReport kept = retried.get(30, TimeUnit.SECONDS);
            assertThat(kept.status()).as(kept.reason()).isEqualTo(RunStatus.OK);
            assertThat(reports.offline().report()).isEqualTo(kept);
            try (Stream<Path> saved = Files.list(dir.resolve("reports"))) {
                assertThat(saved.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("offline-2") && n.endsWith(".json")))
                        .as("one dated report: the copy's").hasSize(1);
            }
        } finally {
            release.countDown();
            tryAgain.shutdownNow();
        }
        RetryDue after = RetryDue.of(firing, reports.offline().report(), reports.lastSuccessfulOffline(), false,
                firing.plus(Duration.ofHours(2)), Duration.ofHours(1));
        assertThat(after.due()).as(after.why()).isFalse();
        assertThat(after.why()).startsWith("the period begun " + firing + " has its snapshot");
    }
}
