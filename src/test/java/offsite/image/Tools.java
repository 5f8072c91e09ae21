package offsite.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import offsite.image.MachineTree.Node;

/** Stock command-line tools for the image tests. */
final class Tools {

    private Tools() {
    }

    /** Runs the command in dir with stdin (or none); its stdout, or a failure with its stderr. */
    static String run(Path dir, byte[] stdin, String... command) throws Exception {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectError(err.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        Thread feeder = new Thread(() -> {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // the tool stopped reading: its exit code tells
            }
        });
        feeder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(err));
        }
        feeder.join();
        return out;
    }

    /** The permission column of ls and tar -tv for a node. */
    static String permissions(Node n) {
        char type = n.target() != null ? 'l' : n.content() == null ? 'd' : '-';
        int m = n.mode();
        String rwx = "rwxrwxrwx";
        StringBuilder s = new StringBuilder().append(type);
        for (int i = 0; i < 9; i++) {
            s.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        }
        if ((m & 04000) != 0) {
            s.setCharAt(3, s.charAt(3) == 'x' ? 's' : 'S');
        }
        return s.toString();
    }
}
