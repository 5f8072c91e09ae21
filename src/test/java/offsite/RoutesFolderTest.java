package offsite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Started away from its routes/ folder, Offsite says which setting and folder, not just "routes". */
class RoutesFolderTest {

    @TempDir
    Path dir;

    @Test
    void a_missing_routes_folder_names_the_setting_the_folder_and_the_way_out() {
        String elsewhere = "file:" + dir.resolve("nowhere") + "/*.yaml";

        IllegalArgumentException e = catchThrowableOfType(
                () -> OffsiteApp.checkRoutesFolder(null, Map.of("camel.main.routes-include-pattern", elsewhere)),
                IllegalArgumentException.class);

        assertThat(e.getMessage()).startsWith("camel.main.routes-include-pattern=" + elsewhere + ": there is no folder " + dir.resolve("nowhere"))
                .contains("run Offsite from the folder that holds routes/");
    }

    @Test
    void a_routes_folder_that_is_a_symbolic_link_is_refused_naming_its_target() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real-routes"));
        Files.copy(Path.of("routes", "sync.yaml"), real.resolve("sync.yaml"));
        Path link = Files.createSymbolicLink(dir.resolve("routes"), real);
        String pattern = "file:" + link + "/*.yaml";

        IllegalArgumentException e = catchThrowableOfType(
                () -> OffsiteApp.checkRoutesFolder(null, Map.of("camel.main.routes-include-pattern", pattern)), IllegalArgumentException.class);

        assertThat(e).as("Camel would load no route and the first pass would blame sync.yaml").isNotNull();
        assertThat(e.getMessage()).isEqualTo("camel.main.routes-include-pattern=" + pattern + ": the folder " + link + " is a symbolic link to "
                + real.toRealPath() + ", and Camel reads no route file through a linked folder (expected a real folder; set"
                + " camel.main.routes-include-pattern to file:" + real.toRealPath() + "/*.yaml)");
    }

    @Test
    void the_pattern_in_the_config_file_is_the_one_checked() throws Exception {
        Path config = Files.writeString(dir.resolve("c.properties"), "camel.main.routes-include-pattern=file:" + dir + "/*.yaml\n");

        assertThatCode(() -> OffsiteApp.checkRoutesFolder(config, Map.of())).doesNotThrowAnyException();
    }

    @Test
    void the_default_pattern_finds_the_routes_folder_of_the_working_directory() {
        assertThat(Path.of("routes")).isDirectory(); // the tests run from the project folder, as users run the jar
        assertThatCode(() -> OffsiteApp.checkRoutesFolder(null, Map.of())).doesNotThrowAnyException();
    }
}
