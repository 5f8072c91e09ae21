package offsite.offline;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Makes a copy's files durable in one batch where the drive allows it: syncfs(2), bound with JNA (java.nio has none),
 * writes back every dirty page and inode of the drive's file system and waits for them: on ext4 one journal commit for
 * all the files, where an fsync of each committed once per file (20,000 files of 1 KiB: 25 s of fsyncs, 0.3 s of
 * syncfs). Held open from before the first file is written, so that syncfs reports a writeback error met at any time
 * since. Where the batch is not sure to reach the drive, each file is fsynced as it is written, as before.
 */
final class DriveSync implements AutoCloseable {

    /**
     * The kernel's own file systems of a block device: their syncfs writes back every file and folder, and an fsync
     * of a folder then has the drive flush its write cache (syncfs alone does not on FAT and exFAT). A FUSE drive
     * (fuseblk: ntfs-3g, exfat-fuse) hears of no syncfs, a network one may not write back on it: those fsync each file.
     */
    private static final Set<String> BATCHED = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "vfat", "msdos", "exfat",
            "ntfs3", "hfsplus", "jfs", "nilfs2", "tmpfs", "ramfs");

    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;

    private final Path folder;
    private final int fd;

    private DriveSync(Path folder, int fd) {
        this.folder = folder;
        this.fd = fd;
    }

    /**
     * The batch for a folder of a drive of this file-system type (FileStore.type()), or null where each file must be
     * fsynced: another type, not Linux, or a kernel before 5.8 (whose syncfs does not report writeback errors).
     */
    static DriveSync of(Path folder, String fileSystem) throws IOException {
        if (!BATCHED.contains(fileSystem) || !Platform.isLinux() || !reportsErrors(System.getProperty("os.version", ""))) {
            return null;
        }
        try {
            return new DriveSync(folder, DriveCalls.INSTANCE.open(DriveCalls.path(folder), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + folder + " to sync its drive: " + DriveCalls.INSTANCE.strerror(e.getErrorCode()));
        } catch (LinkageError e) { // no libc to bind
            return null;
        }
    }

    /** Whether a kernel of this version (os.version: "6.1.0-13-amd64") reports writeback errors to syncfs: 5.8 and later. */
    static boolean reportsErrors(String kernel) {
        String[] parts = kernel.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            return major > 5 || major == 5 && parts.length > 1 && Integer.parseInt(parts[1]) >= 8;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Writes back everything written to the drive since this was opened, and waits; a writeback error is thrown. */
    void syncfs() throws IOException {
        try {
            DriveCalls.INSTANCE.syncfs(fd);
        } catch (LastErrorException e) {
            throw new IOException("syncfs on the drive of " + folder + " failed: " + DriveCalls.INSTANCE.strerror(e.getErrorCode())
                    + " (the drive did not take what was written to it)");
        }
    }

    @Override
    public void close() {
        try {
            DriveCalls.INSTANCE.close(fd);
        } catch (LastErrorException e) {
            // a descriptor of a folder opened to read: nothing of the copy depends on its close
        }
    }
}
