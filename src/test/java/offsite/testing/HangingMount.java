package offsite.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real FUSE mount (bindfs) of a folder that can be made to hang: its daemon stopped with SIGSTOP, every call on the
 * mount waits, as on a USB drive whose controller hung or a share whose server went away; SIGCONT lets them through.
 * Skips the test (an assumption) where FUSE or bindfs is missing or mounting is not allowed.
 */
public final class HangingMount implements AutoCloseable {

    private final Path point;
    private final Path log;
    private final Process bindfs;

    private HangingMount(Path point, Path log, Process bindfs) {
        this.point = point;
        this.log = log;
        this.bindfs = bindfs;
    }

    /** Mounts folder at point (both made if missing); the daemon's output goes to log. */
    public static HangingMount of(Path folder, Path point, Path log) throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse on this machine");
        Assumptions.assumeTrue(onPath("bindfs"), "no bindfs on PATH");
        Files.createDirectories(folder);
        Files.createDirectories(point);
        Process bindfs = new ProcessBuilder("bindfs", "-f", folder.toString(), point.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        HangingMount mount = new HangingMount(point, log, bindfs);
        for (int i = 0; i < 100 && bindfs.isAlive() && !mount.mounted(); i++) {
            Thread.sleep(100);
        }
        if (!mount.mounted()) { // a container without the right to mount FUSE has /dev/fuse and bindfs all the same
            mount.close();
            Assumptions.abort("bindfs could not mount here: " + mount.said());
        }
        return mount;
    }

    public Path point() {
        return point;
    }

    /** Every call on the mount waits from now on. */
    public void hang() throws Exception {
        signal("STOP");
    }

    /** The calls waiting go through, and later ones too. */
    public void answer() throws Exception {
        signal("CONT");
    }

    @Override
    public void close() throws Exception {
        if (bindfs.isAlive()) {
            signal("CONT"); // a stopped daemon would hold the unmount
            new ProcessBuilder("fusermount", "-u", point.toString()).start().waitFor(30, TimeUnit.SECONDS);
            bindfs.destroy();
            bindfs.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private boolean mounted() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream().anyMatch(l -> l.split(" ")[1].equals(point.toString()));
        } catch (IOException e) {
            return false;
        }
    }

    private String said() {
        try {
            return Files.readString(log).strip();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(bindfs.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + bindfs.pid() + " failed");
        }
    }

    private static boolean onPath(String tool) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(folder, tool))) {
                return true;
            }
        }
        return false;
    }
}
