package offsite.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a directory, to fill a disk for real (needs root, as here and in CI). Grows in place
 * (remount keeps the files), and is unmounted on close.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of this many MiB on dir (created); the test is skipped, saying why, where mounting is not allowed. */
    public static SmallDisk mount(Path dir, int mib) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String refused = run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m,mode=0755", "tmpfs", dir.toString());
        Assumptions.assumeTrue(refused == null, "cannot mount a tmpfs to fill (needs root or CAP_SYS_ADMIN): " + refused);
        return new SmallDisk(dir);
    }

    /** Fills the disk with a file of zeros but for about this many bytes (a disk nearly full before the test begins). */
    public void leaveFree(long bytes) throws IOException {
        long free = Files.getFileStore(mountPoint).getUsableSpace();
        try (OutputStream out = Files.newOutputStream(mountPoint.resolve("filler"))) {
            out.write(new byte[(int) Math.max(0, free - bytes)]);
        }
    }

    /** Frees room the simplest way: the same disk, bigger, with its files kept. */
    public void growTo(int mib) throws IOException, InterruptedException {
        String refused = run("mount", "-o", "remount,size=" + mib + "m", mountPoint.toString());
        if (refused != null) {
            throw new IOException("cannot grow the tmpfs on " + mountPoint + ": " + refused);
        }
    }

    /** Unmounts it now, as a drive pulled out and auto-unmounted mid-copy: its mount point is left, an empty folder. */
    public void unplug() {
        try {
            String refused = run("umount", mountPoint.toString());
            if (refused != null) {
                throw new IllegalStateException("cannot unmount the tmpfs on " + mountPoint + ": " + refused);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String refused = run("umount", mountPoint.toString());
        if (refused != null && run("umount", "-l", mountPoint.toString()) != null) {
            throw new IOException("cannot unmount the tmpfs on " + mountPoint + ": " + refused);
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
