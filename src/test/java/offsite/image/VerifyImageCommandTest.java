package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * `verify-image` tells whether a host's image backups could be restored, with no place to restore to: a complete image
 * and a diff made by the real `image` command into in-process S3Proxy, then objects deleted, cut short or replaced by
 * other bytes of the same size, as a lifecycle rule, a careless hand or a damaged disk at the service would.
 */
class VerifyImageCommandTest {

    @TempDir
    Path dir;

    OffsiteHarness app;
    String full;
    String delta;

    @BeforeEach
    void backups() throws Exception {
        app = new OffsiteHarness(dir);
        TwoBackups made = TwoBackups.made(app, dir);
        full = made.full();
        delta = made.delta();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void whole_backups_are_ok_and_deep_rebuilds_the_newest() throws Exception {
        OffsiteHarness.CommandResult check = app.command("verify-image");

        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).containsPattern("(?m)^ok +\\S+  full +1 object\\(s\\) at their sizes$")
                .containsPattern("(?m)^ok +\\S+  diff on \\S+ +1 object\\(s\\) at their sizes$")
                .contains("OK: 2 backup(s) of host ").doesNotContain("rebuilt ");

        OffsiteHarness.CommandResult deep = app.command("verify-image", "--deep");

        assertThat(deep.exit()).as(deep.out()).isZero();
        String newest = delta.split("/")[1];
        assertThat(deep.out()).contains("rebuilt  " + newest + "  image of ").contains("; rebuilt and checked: " + newest);
        try (var left = Files.list(app.data.resolve("image/restore-work"))) {
            assertThat(left).as("the rebuilt image's room given back").isEmpty();
        }
    }

    @Test
    void a_delta_gone_from_the_bucket_fails_naming_it_and_the_backup() throws Exception {
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key(delta));

        OffsiteHarness.CommandResult check = app.command("verify-image");

        assertThat(check.exit()).as(check.out()).isEqualTo(1);
        String newest = delta.split("/")[1];
        assertThat(check.out()).containsPattern("(?m)^ok +\\S+  full ")
                .containsPattern("(?m)^BROKEN +" + newest + "  diff on \\S+ +" + delta + " is not in the bucket$")
                .contains("FAILED: 1 of 2 backup(s) of host ").contains(" could not be restored: " + newest + " (" + delta
                        + " is not in the bucket). What to do: `bin/offsite image --full` makes a complete image");
    }

    @Test
    void a_complete_image_of_its_size_but_other_bytes_passes_the_listing_and_fails_the_deep_check() throws Exception {
        long size = app.client.headObject(b -> b.bucket(app.s3.bucket()).key(full)).contentLength();
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(full), RequestBody.fromBytes(new byte[(int) size]));

        OffsiteHarness.CommandResult listed = app.command("verify-image");
        OffsiteHarness.CommandResult deep = app.command("verify-image", "--deep", "--all");

        assertThat(listed.exit()).as("the listing sees sizes only: " + listed.out()).isZero();
        assertThat(deep.exit()).as(deep.out()).isEqualTo(1);
        assertThat(deep.out()).contains(full + " is damaged: its SHA-256 is ").contains("FAILED: 2 of 2 backup(s) of host ");
    }

    @Test
    void a_manifest_that_cannot_be_read_fails_the_check() throws Exception {
        String manifest = delta.replace("delta.zst", "manifest.json");
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(manifest), RequestBody.fromString("{\"id\":"));

        OffsiteHarness.CommandResult check = app.command("verify-image");

        assertThat(check.exit()).as(check.out()).isEqualTo(1);
        assertThat(check.out()).contains("BROKEN   " + manifest + " cannot be read (").contains("1 manifest(s) cannot be read: " + manifest);
    }

    @Test
    void a_machine_that_backs_up_no_image_itself_checks_another_hosts_backups() throws Exception {
        app.set("offsite.image.roots", "").set("offsite.image.host", "restore-desk"); // a spare machine, no roots of its own

        OffsiteHarness.CommandResult check = app.command("verify-image", "--deep");

        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).contains("OK: 2 backup(s) of host ").contains("; rebuilt and checked: " + delta.split("/")[1]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"verify-image", "restore-image"})
    void a_verify_key_that_is_no_file_is_refused_with_exit_2_naming_the_option(String command) throws Exception {
        Path missing = dir.resolve("no-such-key.asc");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = (command.equals("restore-image") ? app.command(command, "--verify-key", missing.toString(), "--to",
                    dir.resolve("restored").toString()) : app.command(command, "--verify-key", missing.toString())).exit();
        } finally {
            System.setErr(original);
        }

        String said = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(said).isEqualTo(2);
        assertThat(said.lines().filter(l -> l.startsWith("offsite: "))).singleElement().asString().contains("--verify-key")
                .contains(missing.toString());
        assertThat(said).as("no stack trace").doesNotContain("\tat ");
    }

    @Test
    void all_without_deep_is_refused_with_exit_2() throws Exception {
        assertThat(app.command("verify-image", "--all").exit()).isEqualTo(2);
    }
}
