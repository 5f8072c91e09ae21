package offsite.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void an_ext4_drive_is_synced_in_one_batch() throws Exception {
        try (DriveSync batch = DriveSync.of(dir, "ext4")) {
            assertThat(batch).as("Linux " + System.getProperty("os.version")).isNotNull();
            batch.syncfs();
        }
    }
}
