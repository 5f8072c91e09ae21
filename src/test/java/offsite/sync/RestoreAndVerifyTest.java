package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restore-set and verify through the real command line, against S3Proxy. */
class RestoreAndVerifyTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 11 * MB + 7, 1); // three parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        assertThat(app.sync().status().name()).isEqualTo("OK");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void restore_set_brings_back_every_file_byte_for_byte() throws Exception {
        Path target = dir.resolve("restored");

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("OK: 3 of 3 objects restored");
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
    }

    @Test
    void an_interrupted_restore_resumes_and_a_full_directory_is_refused() throws Exception {
        Path target = dir.resolve("restored");
        app.command("restore-set", "--to", target.toString());
        // simulate a cut: one file half downloaded, one missing
        Path big = target.resolve("Members/AA000001.rdb");
        byte[] half = java.util.Arrays.copyOf(Files.readAllBytes(big), 4 * MB);
        Files.delete(big);
        Files.write(target.resolve("Members/AA000001.rdb" + SetRestore.PARTIAL), half);
        Files.delete(target.resolve("Set A.rbc"));

        OffsiteHarness.CommandResult resumed = app.command("restore-set", "--to", target.toString());

        assertThat(resumed.exit()).as(resumed.out()).isZero();
        assertThat(resumed.out()).contains("1 already there");
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
        assertThat(app.command("restore-set", "--to", target.toString()).exit()).as("a complete, non-empty directory").isEqualTo(2);
    }

    @Test
    void verify_names_each_difference_and_exits_non_zero() throws Exception {
        assertThat(app.command("verify", "--deep", "2").exit()).isZero();

        app.write("Members/AA000002.rdb", 2 * MB, 22); // same size, other bytes
        Files.delete(app.source.resolve("Set A.rbc"));
        OffsiteHarness.CommandResult result = app.command("verify");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).contains("sets/Members/AA000002.rdb: differs").contains("sets/Set A.rbc: only in the bucket")
                .contains("FAILED: 2 difference(s)");
    }

}
