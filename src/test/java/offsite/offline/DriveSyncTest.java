package offsite.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which drives get one syncfs for the whole copy, and which an fsync of each file as before. */
class DriveSyncTest {

    @TempDir
    Path dir;

    @Test
    void a_fuse_or_network_drive_gets_no_batch_its_files_are_fsynced_each() throws Exception {
        assertThat(DriveSync.of(dir, "fuseblk")).as("ntfs-3g, exfat-fuse: a syncfs does not reach the FUSE driver").isNull();
        assertThat(DriveSync.of(dir, "nfs4")).isNull();
        assertThat(DriveSync.of(dir, "overlay")).isNull();
    }

    @Test
    void only_a_kernel_that_reports_writeback_errors_to_syncfs_batches() {
        assertThat(DriveSync.reportsErrors("6.1.0-13-amd64")).isTrue();
        assertThat(DriveSync.reportsErrors("5.8.0")).isTrue();
        assertThat(DriveSync.reportsErrors("5.10.0-26-amd64")).isTrue();
        assertThat(DriveSync.reportsErrors("5.4.0-150-generic")).as("syncfs returned 0 over a failed writeback before 5.8").isFalse();
        assertThat(DriveSync.reportsErrors("4.18.0-513.el8.x86_64")).isFalse();
        assertThat(DriveSync.reportsErrors("")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "vfat", "msdos", "exfat", "ntfs3", "hfsplus", "jfs",
            "nilfs2", "tmpfs", "ramfs"})
    void a_drive_of_the_kernels_own_file_systems_is_synced_in_one_batch(String fileSystem) throws Exception {
        try (DriveSync batch = DriveSync.of(dir, fileSystem)) {
            assertThat(batch).as("Linux " + System.getProperty("os.version")).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fuseblk", "fuse", "fuse.sshfs", "nfs", "nfs4", "cifs", "smb3", "overlay", "9p", "ntfs", "exfat-fuse", "unknown"})
    void a_drive_the_batch_may_not_reach_has_each_file_fsynced(String fileSystem) throws Exception {
        assertThat(DriveSync.of(dir, fileSystem)).isNull();
    }

    @Test
    void the_batchs_syncfs_puts_what_was_written_since_it_opened_on_the_drive_itself() throws Exception {
        byte[] chunk = new byte[256 << 10];
        new Random(21).nextBytes(chunk);
        try (LoopDrive usb = LoopDrive.mount(dir);
                DriveSync batch = DriveSync.of(usb.mountPoint(), Files.getFileStore(usb.mountPoint()).type())) {
            assertThat(batch).as("an ext4 drive under Linux " + System.getProperty("os.version")).isNotNull();
            Files.write(usb.mountPoint().resolve("AA000001.rdb"), chunk); // no fsync: in the page cache only
            assertThat(LoopDrive.indexOf(usb.blocks(), chunk)).as("not yet on the drive (the kernel writes back after 30 s)")
                    .isNegative();

            batch.syncfs();

            // read from the image at once, without the copy's direct read-back, which would flush the file itself
            assertThat(LoopDrive.indexOf(usb.blocks(), chunk)).as("the chunk in the drive's blocks").isNotNegative();
        }
    }
}
