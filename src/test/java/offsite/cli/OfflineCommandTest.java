package offsite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import offsite.files.LockFile;
import offsite.testing.HttpReceiver;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `bin/offsite offline` makes one offline copy now, through the scheduled copy's route: a verified snapshot and exit 0, a
 * refused copy (no drive mounted) WARN and exit 1, no destination set exit 2 and one line naming the setting.
 */
class OfflineCommandTest {

    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void backupSet() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 100_000, 1);
        app.write("Set A.rbc", 1000, 2);
    }

    @AfterEach
    void close() {
        app.close();
    }

    @Test
    void offline_copies_the_set_now_into_a_verified_snapshot_and_exits_0() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false");

        OffsiteHarness.CommandResult copy = app.command("offline");

        assertThat(copy.exit()).as(copy.out()).isZero();
        assertThat(copy.out()).startsWith("OK: snapshot " + usb + "/").contains("2 files");
        List<Path> snapshots;
        try (Stream<Path> list = Files.list(usb)) {
            snapshots = list.toList();
        }
        assertThat(snapshots).hasSize(1);
        Path snapshot = snapshots.get(0);
        assertThat(snapshot.getFileName().toString()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(OffsiteHarness.digests(snapshot)).containsAllEntriesOf(OffsiteHarness.digests(app.source));
        Process check = new ProcessBuilder("sha256sum", "-c", "SHA256SUMS").directory(snapshot.toFile()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(checked).isZero();
        assertThat(checked.lines()).containsExactlyInAnyOrder("Members/AA000001.rdb: OK", "Set A.rbc: OK");
        assertThat(app.data.resolve("reports/offline-latest.json")).as("saved as the scheduled copy's is").exists();
    }

    @Test
    void offline_prints_its_report_when_a_users_step_after_the_copy_changes_the_body() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("my-routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path route : shipped.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(route, routes.resolve(route.getFileName()));
            }
        }
        // a user's own last step of the copy's route (a log line, a body for a tool of theirs)
        Files.writeString(routes.resolve("offline.yaml"), "        - setBody:\n            constant: \"copied\"\n", StandardOpenOption.APPEND);
        Path usb = Files.createDirectories(dir.resolve("usb"));
        app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false")
                .set("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");

        OffsiteHarness.CommandResult copy = app.command("offline");

        assertThat(copy.exit()).as(copy.out()).isZero();
        assertThat(copy.out()).startsWith("OK: snapshot " + usb + "/").contains("2 files");
    }

    @Test
    void offline_to_a_drive_that_is_not_mounted_is_a_warning_with_exit_1_and_writes_nothing() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("media/usb-backup")); // the mount point, its drive not plugged in
        app.set("offsite.offline.destination", usb.toString());

        OffsiteHarness.CommandResult copy = app.command("offline");

        assertThat(copy.exit()).as(copy.out()).isEqualTo(1);
        assertThat(copy.out()).startsWith("WARN: offsite.offline.destination: " + usb + " is not a mount point");
        try (Stream<Path> list = Files.list(usb)) {
            assertThat(list).isEmpty();
        }
        assertThat(app.data.resolve("reports/offline-latest.json")).exists();
    }

    @Test
    void offline_mails_and_posts_its_report_as_the_scheduled_copy_does() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("media/usb-backup")); // not mounted: a WARN, news by any offsite.notify.when
        try (HttpReceiver receiver = new HttpReceiver()) {
            app.set("offsite.offline.destination", usb.toString())
                    .set("offsite.notify.mail.host", "127.0.0.1")
                    .set("offsite.notify.mail.port", String.valueOf(smtp.getSmtp().getPort()))
                    .set("offsite.notify.mail.tls", "none")
                    .set("offsite.notify.mail.from", "offsite@example.org")
                    .set("offsite.notify.mail.to", "ops@example.org")
                    .set("offsite.notify.webhook.url", receiver.url("/hook"));

            OffsiteHarness.CommandResult copy = app.command("offline");

            assertThat(copy.exit()).as(copy.out()).isEqualTo(1);
            assertThat(smtp.getReceivedMessages()).hasSize(1);
            assertThat(smtp.getReceivedMessages()[0].getSubject()).startsWith("Offsite offline copy on ")
                    .endsWith(": " + copy.out().lines().findFirst().orElseThrow());
            assertThat(receiver.requests()).extracting(HttpReceiver.Request::path).containsExactly("/hook");
        }
    }

    @Test
    void offline_while_another_copy_holds_the_lock_copies_nothing_and_exits_1() throws Exception {
        Path usb = Files.createDirectories(dir.resolve("usb"));
        Path unfinished = Files.createDirectories(usb.resolve("2026-12-01.partial")); // the other copy's, under way
        app.set("offsite.offline.destination", usb.toString()).set("offsite.offline.require-mount", "false");

        OffsiteHarness.CommandResult copy;
        try (LockFile other = LockFile.tryTake(app.data.resolve("offline.lock"))) { // run's scheduled copy, mid-way
            assertThat(other).isNotNull();
            copy = app.command("offline");
        }

        assertThat(copy.exit()).as(copy.out()).isEqualTo(1);
        assertThat(copy.out()).startsWith("WARN: another offline copy is under way");
        assertThat(unfinished).as("the other copy's folder is left to it").exists();
        try (Stream<Path> list = Files.list(usb)) {
            assertThat(list).containsExactly(unfinished);
        }
    }

    @Test
    void offline_without_a_destination_exits_2_with_one_line_naming_the_setting() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        OffsiteHarness.CommandResult copy;
        try {
            copy = app.command("offline");
        } finally {
            System.setErr(original);
        }

        assertThat(copy.exit()).isEqualTo(2);
        assertThat(copy.out()).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("offsite: ")))
                .containsExactly("offsite: offsite.offline.destination is empty: the offline copy is off (set it to the mount point"
                        + " of the drive the copies go to)");
    }
}
