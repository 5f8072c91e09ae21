package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import offsite.testing.Gpg;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17, point 4, through the real `image` command: a diff after a complete image copies what did not change,
 * except when a full read is due (offsite.image.full-read-every), when the secret globs or scrub rules changed, or
 * when the complete image's index is missing or damaged; each diff restores to the tree as it was.
 */
class ImageCycleTest {

    @TempDir
    Path dir;
    Path tree;
    OffsiteHarness app;

    /** Between a complete image and the diff: settings changed and something done; what the diff's report must say. */
    record Cycle(String what, Map<String, String> settings, Action between, String status, String said, boolean fullRead) {
        @Override
        public String toString() {
            return what;
        }
    }

    interface Action {
        void apply(Path tree, Path imageState) throws Exception;
    }

    static Stream<Cycle> cycles() {
        return Stream.of(
                new Cycle("a file edited: the rest copied", Map.of(), (t, s) -> Files.writeString(t.resolve("etc/hostname"), "renamed\n"),
                        "OK", "copied from the complete image", false),
                new Cycle("a full read due (full-read-every=1)", Map.of("offsite.image.full-read-every", "1"), (t, s) -> { },
                        "OK", "every entry matched, as every 1 cycles (offsite.image.full-read-every)", true),
                new Cycle("a scrub rule added: nothing reused", Map.of("offsite.image.scrub-rules", "slot=(\\d+)"), (t, s) -> { },
                        "OK", "every entry matched: offsite.image.secrets or offsite.image.scrub-rules changed since the complete image", true),
                new Cycle("the index gone (a complete image from before)", Map.of(), (t, s) -> Files.delete(s.resolve("complete.idx")),
                        "OK", "every entry matched: the complete image has no index", true),
                new Cycle("the index of another complete image (a crash between moving it and state.json)", Map.of(), (t, s) -> {
                    byte[] index = Files.readAllBytes(s.resolve("complete.idx"));
                    index[8 + 2] ^= 1; // the complete image's id, after magic, version and the id's length
                    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(index, index.length - 32));
                    System.arraycopy(sha, 0, index, index.length - 32, 32);
                    Files.write(s.resolve("complete.idx"), index);
                }, "OK", "every entry matched: the index is of complete image 3", true),
                new Cycle("the index damaged", Map.of(), (t, s) -> {
                    byte[] index = Files.readAllBytes(s.resolve("complete.idx"));
                    index[index.length - 40] ^= 1;
                    Files.write(s.resolve("complete.idx"), index);
                }, "WARN", "complete.idx is damaged: its content does not match its SHA-256", true));
    }

    @BeforeEach
    void machine() throws Exception {
        app = new OffsiteHarness(dir);
        tree = Files.createDirectories(dir.resolve("machine"));
        Files.createDirectories(tree.resolve("etc"));
        Files.writeString(tree.resolve("etc/hostname"), "excalibur\n");
        Files.writeString(tree.resolve("etc/vault.conf"), "user=ops\nslot=4711\n"); // a number the format keeps: only the rule hides it
        byte[] big = new byte[2 << 20];
        new Random(3).nextBytes(big);
        Files.write(Files.createDirectories(tree.resolve("srv")).resolve("data.bin"), big);
        Path keys = Files.createDirectories(dir.resolve("keys"));
        new Gpg(dir.resolve("gpg")).newKey("Admin <admin@example.org>", keys.resolve("admin.asc"), dir.resolve("admin.sec.asc"));
        app.set("offsite.image.roots", tree.toString())
                .set("offsite.image.secrets", tree + "/etc/vault.conf")
                .set("offsite.image.keys-dir", keys.toString());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void a_signature_that_is_not_the_states_makes_a_complete_image_rather_than_a_diff_that_cannot_be_restored() throws Exception {
        assertThat(app.command("image").out()).startsWith("OK: full backup");
        Path state = app.data.resolve("image/state.json");
        byte[] first = Files.readAllBytes(state);
        Files.writeString(tree.resolve("etc/hostname"), "renamed\n");
        assertThat(app.command("image", "--full").out()).startsWith("OK: full backup");
        Files.write(state, first); // stopped after the second image's signature was stored, before its state.json

        OffsiteHarness.CommandResult next = app.command("image");

        // the diff was taken against the second image's signature and stored as the first's: OK, and unrestorable
        assertThat(next.out()).as(next.out()).startsWith("OK: full backup").contains("is not the signature of complete image");
        Files.writeString(tree.resolve("etc/hostname"), "again\n");
        assertThat(app.command("image").out()).startsWith("OK: diff backup");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", dir.resolve("restored").toString());
        assertThat(restore.out()).as(restore.out()).startsWith("OK: restored diff backup");
        assertThat(dir.resolve("restored").resolve(tree.toString().substring(1)).resolve("etc/hostname")).hasContent("again\n");
    }

    @Test
    void a_complete_image_gone_from_the_bucket_makes_the_next_backup_complete_and_the_diffs_left_without_it_are_named()
            throws Exception {
        assertThat(app.command("image").out()).startsWith("OK: full backup");
        String complete = backupIds().get(0);
        Files.writeString(tree.resolve("etc/hostname"), "renamed\n");
        assertThat(app.command("image").out()).startsWith("OK: diff backup");
        String stranded = backupIds().get(1);
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("images/" + complete + "/manifest.json")); // by hand, or a lifecycle rule
        Files.writeString(tree.resolve("etc/hostname"), "again\n");

        OffsiteHarness.CommandResult next = app.command("image");

        // the local state still named the complete image: an OK diff that no restore could use
        assertThat(next.out()).as(next.out()).startsWith("WARN: full backup")
                .contains("complete image " + complete + " cannot be the base of a diff: images/" + complete + "/manifest.json is not in the bucket")
                .contains("diff " + stranded + " cannot be restored: its complete image " + complete + " is missing; retention keeps it");
        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString());
        assertThat(restore.out()).as(restore.out()).startsWith("OK: restored full backup");
        assertThat(restored.resolve(tree.toString().substring(1)).resolve("etc/hostname")).hasContent("again\n");
        Files.writeString(tree.resolve("etc/hostname"), "third\n");
        OffsiteHarness.CommandResult after = app.command("image");
        assertThat(after.out()).as("diffs go on against the new complete image; the stranded diff was the WARN before, a note now")
                .startsWith("OK: diff backup").doesNotContain("cannot be the base of a diff")
                .contains("still, as the backup before said: diff " + stranded + " cannot be restored");
    }

    /** The ids of the backups with a manifest in the bucket, oldest first. */
    private List<String> backupIds() {
        return app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("/manifest.json")).map(k -> k.substring(0, k.indexOf('/')))
                .sorted().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cycles")
    void a_diff_copies_what_did_not_change_unless_a_full_read_is_due_and_restores_the_tree(Cycle cycle) throws Exception {
        OffsiteHarness.CommandResult full = app.command("image");
        assertThat(full.out()).as(full.out()).startsWith("OK: full backup");
        cycle.settings().forEach(app::set);
        cycle.between().apply(tree, app.data.resolve("image"));

        OffsiteHarness.CommandResult diff = app.command("image");

        assertThat(diff.out()).as(diff.out()).startsWith(cycle.status() + ": diff backup").contains(cycle.said()).doesNotContain("Exception");
        if (cycle.fullRead()) {
            assertThat(diff.out()).contains("; 0 of ");
        } else {
            assertThat(diff.out()).doesNotContain("; 0 of ").doesNotContain("every entry matched");
        }
        Path restored = dir.resolve("restored");
        OffsiteHarness.CommandResult restore = app.command("restore-image", "--to", restored.toString());
        assertThat(restore.out()).as(restore.out()).startsWith("OK: restored diff backup");
        Path inside = restored.resolve(tree.toString().substring(1));
        if (cycle.settings().containsKey("offsite.image.scrub-rules")) {
            assertThat(inside.resolve("etc/vault.conf")).content().as("scrubbed by the new rule").doesNotContain("4711").contains("slot=x");
        }
        Map<String, String> restoredTree = new TreeMap<>(ImageRouteTest.snapshot(inside));
        Map<String, String> original = new TreeMap<>(ImageRouteTest.snapshot(tree));
        assertThat(restoredTree.remove("etc/vault.conf")).as("the secret file is there, scrubbed").isNotNull();
        original.remove("etc/vault.conf");
        assertThat(restoredTree).isEqualTo(original);
    }
}
