package offsite.image;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import offsite.config.SettingError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TreeSelectionTest {

    @TempDir
    Path dir;

    /** Settings that must be refused, and the setting the message must name. */
    record Bad(String what, List<Path> roots, List<String> excludes, List<String> secrets, List<String> rules, String setting) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Bad> refused() {
        return Stream.of(
                new Bad("relative root", List.of(Path.of("etc")), List.of(), List.of(), List.of(), "offsite.image.roots"),
                new Bad("relative exclude", List.of(Path.of("/etc")), List.of("cache/**"), List.of(), List.of(), "offsite.image.excludes"),
                new Bad("broken exclude", List.of(Path.of("/etc")), List.of("/var/{a,b"), List.of(), List.of(), "offsite.image.excludes"),
                new Bad("relative secret", List.of(Path.of("/etc")), List.of(), List.of("shadow"), List.of(), "offsite.image.secrets"),
                new Bad("rule without group", List.of(Path.of("/etc")), List.of(), List.of(), List.of("pass=\\w+"), "offsite.image.scrub-rules"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(Bad bad) {
        assertThatThrownBy(() -> new TreeSelection(bad.roots(), bad.excludes(), bad.secrets(), bad.rules()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.setting()).hasMessageContaining("expected");
    }

    /** Audit image.md finding 8: a root that is a link (a deploy's current, /home to /var/home) gave an image of the link alone, OK. */
    @Test
    void a_root_that_is_a_symbolic_link_is_refused_at_start_and_at_the_walk_naming_where_it_leads() throws Exception {
        Path release = Files.createDirectories(dir.resolve("releases/r1"));
        Files.writeString(release.resolve("app.env"), "DB_HOST=db\n");
        Path current = dir.resolve("current");
        Path real = release.toRealPath();
        String refusal = "offsite.image.roots: '" + current + "' is not valid (expected folders that are not symbolic links: " + current
                + " leads to " + real + "; name " + real + ")";
        Files.createSymbolicLink(current, release);

        assertThatThrownBy(() -> TreeSelection.refuseLinks(List.of(current))).isInstanceOf(SettingError.class).hasMessage(refusal);

        Files.delete(current);
        Files.createDirectories(current);
        ImageTree tree = new ImageTree(new TreeSelection(List.of(current), List.of(), List.of(), List.of()));
        Files.delete(current);
        Files.createSymbolicLink(current, release);
        assertThatThrownBy(() -> tree.writeBase(OutputStream.nullOutputStream())).as("a folder at start, a link since")
                .isInstanceOf(SettingError.class).hasMessage(refusal);
    }
}
