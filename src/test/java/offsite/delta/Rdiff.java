package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code rdiff} (Debian package rdiff, librsync 2.3) in a directory. */
final class Rdiff {

    private Rdiff() {
    }

    /** Runs {@code rdiff -f args...} in {@code dir} and fails the test unless it exits 0. */
    static void run(Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rdiff", "-f"));
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("rdiff is not installed: apt-get install -y rdiff", e);
        }
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("rdiff finished").isTrue();
        assertThat(process.exitValue()).as("rdiff %s: %s", command, new String(output, StandardCharsets.UTF_8))
                .isZero();
    }
}
