package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretsOutsideTreeTest {

    @ParameterizedTest(name = "{0} is searched under {1}")
    @CsvSource(nullValues = "none", value = {
            "/etc/shadow, /etc/shadow",
            "/etc/ssl/private/*.key, /etc/ssl/private",
            "/home/*/.ssh/id_*, /home",
            "'/srv/app/{a,b}.env', /srv/app",
            "/etc/ssl/private/, /etc/ssl/private",
            "/srv/**, /srv",
            "/*.key, none",
            "**.key, none",
            "'{/a,/b}/key', none",
    })
    void a_glob_is_searched_outside_the_image_under_its_folders_before_the_first_wildcard(String glob, String start) {
        assertThat(SecretsOutsideTree.fixedStart(glob)).isEqualTo(start == null ? null : Path.of(start));
    }
}
