package offsite.offline;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;

/**
 * A drive for real: an ext4 file system on a loop device, whose blocks are the bytes of an image file, mounted on a folder
 * (needs root, as here and in CI; the test is skipped, saying why, elsewhere). Unmounted on close.
 */
final class LoopDrive implements AutoCloseable {

    private final Path image;
    private final Path mountPoint;

    private LoopDrive(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    /** A 32 MiB ext4 drive of 4 KiB blocks (as mkfs makes them on a real drive) mounted on dir/usb-drive, its image at dir/usb.img. */
    static LoopDrive mount(Path dir) throws Exception {
        Path image = dir.resolve("usb.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(32 << 20);
        }
        Path usb = Files.createDirectories(dir.resolve("usb-drive"));
        Assumptions.assumeTrue(run("mkfs.ext4", "-q", "-b", "4096", image.toString()) && run("mount", "-o", "loop", image.toString(), usb.toString()),
                "cannot make and mount a loop file system (needs root)");
        return new LoopDrive(image, usb);
    }

    Path mountPoint() {
        return mountPoint;
    }

    /** The drive's blocks as they are now (what a sync has written, not what waits in the page cache). */
    byte[] blocks() throws Exception {
        return Files.readAllBytes(image);
    }

    /**
     * Flips one byte of these file bytes where they lie in the drive's blocks, behind the mounted file system's page cache
     * (which keeps the bytes written): the drive now gives back other bytes than it was given.
     */
    void damage(byte[] written, int offset) throws Exception {
        int at = indexOf(blocks(), written);
        if (at < 0) {
            throw new IllegalStateException("the bytes are not on the drive yet (not synced?)");
        }
        try (FileChannel blocks = FileChannel.open(image, StandardOpenOption.WRITE)) {
            blocks.write(ByteBuffer.wrap(new byte[] {(byte) ~written[offset]}), at + offset);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Override
    public void close() throws Exception {
        run("umount", mountPoint.toString());
    }
}
