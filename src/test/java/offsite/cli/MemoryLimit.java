package offsite.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A memory cgroup with a limit, v1 or v2, which a process joins before it runs the command: what a container engine's
 * --memory does (needs root, as here and in CI). Removed on close, once its processes have ended.
 */
final class MemoryLimit implements AutoCloseable {

    private static final Path V1 = Path.of("/sys/fs/cgroup/memory");
    private static final Path V2 = Path.of("/sys/fs/cgroup");

    private final Path group;

    private MemoryLimit(Path group) {
        this.group = group;
    }

    /** A cgroup named name limited to mib MiB; the test is skipped, saying why, where cgroups cannot be made. */
    static MemoryLimit of(String name, int mib) {
        long bytes = mib * 1024L * 1024L;
        String refused;
        try {
            if (Files.isRegularFile(V1.resolve("memory.limit_in_bytes"))) {
                Path group = Files.createDirectories(V1.resolve(name));
                Files.writeString(group.resolve("memory.limit_in_bytes"), Long.toString(bytes));
                return new MemoryLimit(group);
            }
            if (Files.readString(V2.resolve("cgroup.controllers")).contains("memory")) {
                Files.writeString(V2.resolve("cgroup.subtree_control"), "+memory");
                Path group = Files.createDirectories(V2.resolve(name));
                Files.writeString(group.resolve("memory.max"), Long.toString(bytes));
                return new MemoryLimit(group);
            }
            refused = "no memory controller in /sys/fs/cgroup";
        } catch (IOException | RuntimeException e) {
            refused = e.toString();
        }
        Assumptions.assumeTrue(false, "cannot make a memory cgroup (needs root and a writable /sys/fs/cgroup): " + refused);
        return null;
    }

    /** The command, run inside the cgroup: a shell joins it, then becomes the command. */
    List<String> around(List<String> command) {
        List<String> joined = new ArrayList<>(List.of("sh", "-c", "echo $$ > '" + group.resolve("cgroup.procs") + "' && exec \"$@\"", "sh"));
        joined.addAll(command);
        return joined;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(group);
    }
}
