package offsite.jmh;

import java.nio.file.Files;
import java.nio.file.Path;

/** A benchmark input named by a JMH parameter: must be an existing regular file (bench/jmh.sh makes them). */
final class InputFile {

    private InputFile() {
    }

    static Path of(String parameter, String path) {
        if (path.isEmpty() || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalArgumentException("JMH parameter " + parameter + ": '" + path
                    + "' is not a file (expected -p " + parameter + "=/path/to/input; bench/jmh.sh makes one)");
        }
        return Path.of(path);
    }
}
