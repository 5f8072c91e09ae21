package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, item 10: two hosts sharing the image prefix. Host B's first backup deleted host A's only one by
 * retention and printed OK. Backups now name their host, retention deletes only its own host's, and a restore
 * chooses among one host's backups.
 */
class ImageHostsTest {

    @TempDir
    Path dir;

    private static OffsiteHarness host(Path dir, String name, OffsiteHarness shared) throws Exception {
        OffsiteHarness app = shared == null ? new OffsiteHarness(dir.resolve(name)) : new OffsiteHarness(dir.resolve(name), shared.s3);
        Path tree = Files.createDirectories(dir.resolve(name + "-machine/etc"));
        Files.writeString(tree.resolve("hostname"), name + "\n");
        return app.set("offsite.image.roots", tree.getParent().toString()).set("offsite.image.host", name).set("offsite.image.keep", "1l")
                .set("offsite.image.keys-dir", dir.resolve("no-keys").toString());
    }

    private static Set<String> backupIds(OffsiteHarness app) {
        return app.bucketFiles("images/").keySet().stream().filter(k -> k.endsWith("/manifest.json"))
                .map(k -> k.substring(0, k.indexOf('/'))).collect(Collectors.toSet());
    }

    @Test
    void issue15_retention_deletes_only_its_own_hosts_backups_and_a_restore_picks_a_host() throws Exception {
        try (OffsiteHarness a = host(dir, "host-a", null); OffsiteHarness b = host(dir, "host-b", a)) {
            OffsiteHarness.CommandResult first = a.command("image");
            assertThat(first.exit()).as(first.out()).isZero();
            Set<String> ofA = backupIds(a);
            assertThat(ofA).hasSize(1);

            OffsiteHarness.CommandResult other = b.command("image");
            assertThat(other.exit()).as(other.out()).isZero();
            assertThat(backupIds(a)).as("host A's only backup is still there").containsAll(ofA).hasSize(2);

            OffsiteHarness.CommandResult again = b.command("image", "--full"); // a complete image: B's first one is no base any more
            assertThat(again.exit()).as(again.out()).isZero();
            assertThat(backupIds(a)).as("B keeps its latest one; A's is never B's to delete").containsAll(ofA).hasSize(2);

            Path restored = dir.resolve("restored");
            OffsiteHarness.CommandResult ambiguous = a.set("offsite.image.host", "host-c").command("restore-image", "--to", restored.toString());
            assertThat(ambiguous.exit()).isEqualTo(1);
            assertThat(ambiguous.out()).contains("backups of several hosts (host-a, host-b): choose one with --host");

            OffsiteHarness.CommandResult restore = a.command("restore-image", "--to", restored.toString(), "--host", "host-a");
            assertThat(restore.exit()).as(restore.out()).isZero();
            assertThat(restore.out()).contains("backup " + ofA.iterator().next());
            try (var files = Files.walk(restored)) {
                List<Path> hostnames = files.filter(p -> p.getFileName().toString().equals("hostname")).toList();
                assertThat(hostnames).singleElement().satisfies(p -> assertThat(Files.readString(p)).isEqualTo("host-a\n"));
            }
        }
    }

    @Test
    void a_restore_from_an_image_prefix_without_backups_says_so_rather_than_several_hosts() throws Exception {
        try (OffsiteHarness app = host(dir, "host-a", null)) {
            OffsiteHarness.CommandResult empty = app.command("restore-image", "--to", dir.resolve("restored").toString());

            assertThat(empty.exit()).isEqualTo(1);
            assertThat(empty.out()).contains("FAILED: no image backup with a manifest in the bucket: nothing to restore (check"
                    + " offsite.s3.bucket and offsite.image.prefix)").doesNotContain("several hosts");
        }
    }
}
