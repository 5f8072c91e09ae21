package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import offsite.testing.OffsiteHarness;

/** A command line of the harness's app run by nobody (through setpriv) in a JVM of its own. */
final class Nobody {

    static final String NOBODY = "65534";

    private Nobody() {
    }

    /** What a command run by nobody printed (standard output and error), and its exit code. */
    record Run(int exit, String out) {
    }

    /**
     * The command line run by nobody in a JVM of its own; its class path linked or copied into dir where nobody may read it
     * (the clone and ~/.m2 may be under a home only root enters, on another file system than the temporary folder).
     */
    static Run run(Path dir, OffsiteHarness app, String... args) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            Path to = lib.resolve(classPath.size() + "-" + from.getFileName());
            if (Files.exists(to)) {
                classPath.add(to.toString()); // linked by an earlier run
            } else if (Files.isRegularFile(from)) {
                try {
                    Files.createLink(to, from);
                } catch (IOException | UnsupportedOperationException otherFileSystem) {
                    Files.copy(from, to);
                }
                classPath.add(to.toString());
            } else if (entry.endsWith("classes") && !entry.endsWith("test-classes")) {
                Tools.run(dir, null, "cp", "-r", from.toString(), to.toString()); // the project's own
                classPath.add(to.toString());
            }
        }
        Tools.run(dir, null, "chmod", "-R", "a+rX", lib.toString());
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", String.join(File.pathSeparator, classPath),
                "offsite.cli.OffsiteCommand", "--config", app.writeConfig(dir.resolve("nobody.properties")).toString()));
        command.addAll(List.of(args));
        Tools.run(dir, null, "chmod", "a+r", dir.resolve("nobody.properties").toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
        return new Run(p.exitValue(), out);
    }
}
