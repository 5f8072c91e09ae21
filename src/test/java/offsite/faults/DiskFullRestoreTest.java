package offsite.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.testing.OffsiteHarness;
import offsite.testing.SmallDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore onto a disk that fills up: a clear failure, nothing half-written posing as restored, and a resume once there is room. */
class DiskFullRestoreTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 12 * MB + 3, 1); // three parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        assertThat(app.sync().status()).isEqualTo(RunStatus.OK);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void a_restore_that_fills_the_disk_says_so_keeps_only_partial_files_and_resumes_once_there_is_room() throws Exception {
        Path target = dir.resolve("small-disk");
        Map<String, String> remote = app.bucketFiles("sets/");
        Map<String, String> source = app.sourceFiles();
        SmallDisk disk = SmallDisk.mount(target, 8);
        try {
            OffsiteHarness.CommandResult full = app.command("restore-set", "--to", target.toString());

            System.out.println(full.out());
            assertThat(full.exit()).as(full.out()).isEqualTo(1);
            assertThat(full.out()).contains("FAILED: ").contains(" objects restored to " + target)
                    .contains("sets/Members/AA000001.rdb: the disk is full: cannot write " + target.resolve("Members/AA000001.rdb")
                            + " in " + target)
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(restoredUnderTheirNames(target)).as("every file under its own name is whole")
                    .allSatisfy((name, digest) -> assertThat(digest).isEqualTo(source.get(name)));
            assertThat(target.resolve("Members/AA000001.rdb")).doesNotExist();
            assertThat(app.bucketFiles("sets/")).as("the remote store untouched").isEqualTo(remote);
            assertThat(app.pendingUploads()).isZero();

            disk.growTo(64);
            OffsiteHarness.CommandResult resumed = app.command("restore-set", "--to", target.toString());

            assertThat(resumed.exit()).as(resumed.out()).isZero();
            assertThat(resumed.out()).contains("OK: 3 of 3 objects restored");
            assertThat(restoredUnderTheirNames(target)).isEqualTo(source);
            assertThat(partialFiles(target)).isEmpty();
        } finally {
            disk.close();
        }
    }

    private static Map<String, String> restoredUnderTheirNames(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.startsWith(root.resolve(".offsite-restore"))).toList()) {
                out.put(root.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private static List<Path> partialFiles(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.startsWith(root.resolve(".offsite-restore"))).toList();
        }
    }
}
