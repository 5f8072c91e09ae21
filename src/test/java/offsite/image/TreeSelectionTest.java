package offsite.image;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TreeSelectionTest {

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
}
