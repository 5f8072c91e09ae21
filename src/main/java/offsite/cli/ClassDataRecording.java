package offsite.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class-data archive bin/offsite asked this JVM to record as it exits (-Dlauncher.recording=FILE). A command that
 * could not start loaded a fraction of the classes a real one does: its recording is marked unused (FILE.unused), and
 * the launcher drops it instead of mapping it for good.
 */
final class ClassDataRecording {

    static final String PROPERTY = "launcher.recording";

    private ClassDataRecording() {
    }

    /** Marks this JVM's recording, if it makes one, as not to be used. */
    static void markUnused() {
        String recording = System.getProperty(PROPERTY);
        if (recording == null || recording.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(recording + ".unused"), "the command could not start (exit 2)\n");
        } catch (IOException e) {
            // the recording is then kept: only a slower start, never a wrong one
        }
    }
}
