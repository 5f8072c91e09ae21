package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A restore told to write into a file is refused before it reads the bucket, --overwrite or not, and the file is left alone. */
class RestoreTargetTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {"restore-set | ''", "restore-set | --overwrite", "restore-image | ''", "restore-image | --overwrite"})
    void a_restore_into_a_file_stops_with_exit_2_naming_the_option_and_the_file(String command, String overwrite) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "the user's own notes\n");
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            List<String> args = overwrite.isEmpty() ? List.of(command, "--to", file.toString())
                    : List.of(command, "--to", file.toString(), overwrite);

            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = app.command(args.toArray(String[]::new)).exit();
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(said).isEqualTo(2);
            assertThat(said.lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: --to " + file
                    + " is a file, not a directory: name a directory to restore into (one that does not exist yet is made)");
            assertThat(said).as("no stack trace").doesNotContain("\tat ");
            assertThat(file).hasContent("the user's own notes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"restore-set", "restore-image"})
    void an_empty_target_is_refused_rather_than_taken_for_the_working_directory(String command) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = app.command(command, "--to", "", "--overwrite").exit(); // a script's "$TARGET", unset
            } finally {
                System.setErr(original);
            }

            assertThat(exit).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("offsite: --to is empty: name a directory to restore into");
        }
    }

    @ParameterizedTest(name = "{0} --to {1}")
    @CsvSource({"restore-set, /", "restore-image, /", "restore-set, ROOT-LINK", "restore-image, ROOT-LINK"})
    void a_restore_over_the_root_folder_of_the_machine_is_refused_even_with_overwrite(String command, String target) throws Exception {
        String to = target.equals("ROOT-LINK") ? Files.createSymbolicLink(dir.resolve("root-link"), Path.of("/")).toString() : target;
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            OffsiteHarness.CommandResult result;
            try {
                result = app.command(command, "--to", to, "--overwrite"); // "put it back where it was", said carelessly
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(result.exit()).as(said + result.out()).isEqualTo(2);
            assertThat(said.lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: --to " + to + " is the root folder of"
                    + " this machine: the restored files would replace the running system's own; restore into an empty directory (such as"
                    + " /mnt/new-root) and copy back what you need");
        }
    }

    @ParameterizedTest(name = "{0} --to \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "restore-set   | 'DIR/restored '  | ends with a space: the restore would make a folder whose name ends with it",
            "restore-image | 'DIR/restored '  | ends with a space: the restore would make a folder whose name ends with it",
            "restore-set   | ' DIR/restored'  | begins with a space: the restore would make a folder whose name begins with it",
            "restore-image | 'DIR/restored\t' | ends with a tab: the restore would make a folder whose name ends with it",
            "restore-set   | 'DIR/restored\u00A0' | ends with a blank (U+00A0): the restore would make a folder whose name ends with it"})
    void a_target_beginning_or_ending_with_a_blank_is_refused_naming_it_in_quotes(String command, String target, String why) throws Exception {
        // the blank pasted with the path: a folder "restored " beside the one meant, looking the same in every listing
        String to = target.replace("DIR", dir.toString());
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            OffsiteHarness.CommandResult result;
            try {
                result = app.command(command, "--to", to);
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(result.exit()).as(said + result.out()).isEqualTo(2);
            assertThat(said.lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: --to \"" + to + "\" " + why
                    + " (copied with the path?); give the directory without the leading or trailing blank, such as --to \"" + to.strip()
                    .replace("\u00A0", "") + "\"");
            try (Stream<Path> made = Files.list(dir)) {
                assertThat(made.map(p -> p.getFileName().toString())).containsExactly("app");
            }
        }
    }

    @Test
    void a_passphrase_given_where_its_variable_is_named_is_not_said_back() throws Exception {
        Path key = Files.writeString(dir.resolve("key.asc"), "not read: the passphrase is looked for first\n");
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = app.command("restore-image", "--to", dir.resolve("r").toString(), "--with-secrets", "--secret-key", key.toString(),
                        "--passphrase-env", "correct horse battery staple").exit();
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(exit).isEqualTo(2);
            assertThat(said).contains("offsite: --passphrase-env (value hidden): no environment variable has this name")
                    .doesNotContain("horse");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"restore-set", "restore-image"})
    void a_target_on_a_read_only_disk_is_refused_before_anything_is_downloaded(String command) throws Exception {
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", readOnly.toString()).redirectErrorStream(true).start();
        mount.getInputStream().readAllBytes();
        Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a read-only tmpfs (needs root)");
        try (OffsiteHarness app = new OffsiteHarness(dir.resolve("app"))) {
            PrintStream original = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            OffsiteHarness.CommandResult result;
            try {
                result = app.command(command, "--to", readOnly.resolve("restored").toString());
            } finally {
                System.setErr(original);
            }

            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(result.exit()).as(said + result.out()).isEqualTo(2);
            assertThat(said.lines().filter(l -> l.startsWith("offsite: "))).containsExactly("offsite: --to " + readOnly.resolve("restored")
                    + " cannot be written: " + readOnly + " is on a read-only file system; restore onto a writable disk");
        } finally {
            new ProcessBuilder("umount", readOnly.toString()).start().waitFor();
        }
    }
}
