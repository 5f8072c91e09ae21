package offsite.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** docker/compose.yaml keeps the promises README makes of the common deployment (no engine here runs it). */
class ComposeFileTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String file) throws IOException {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(Path.of(file)));
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, String... path) {
        Object value = map;
        for (String key : path) {
            value = ((Map<String, Object>) value).get(key);
        }
        return (T) value;
    }

    @Test
    @SuppressWarnings("unchecked")
    void offsite_publishes_its_page_on_the_hosts_loopback_only() throws IOException {
        Map<String, Object> compose = yaml("docker/compose.yaml");
        Map<String, Object> offsite = at(compose, "services", "offsite");

        assertThat(at(offsite, "build", "dockerfile").toString()).isEqualTo("docker/Dockerfile");
        assertThat((List<String>) at(offsite, "ports")).containsExactly("127.0.0.1:8080:8080");
        assertThat(at(offsite, "environment", "OFFSITE_IMAGE_HOST").toString()).startsWith("${OFFSITE_IMAGE_HOST");
        // the nightly window is local time: the zone comes from the env file (an empty TZ is UTC, as none)
        assertThat(at(offsite, "environment", "TZ").toString()).isEqualTo("${TZ:-}");
        // an init as PID 1 reaps what `docker exec` leaves and hands SIGTERM on to the JVM
        assertThat((Object) at(offsite, "init")).isEqualTo(true);
        assertThat((List<String>) at(offsite, "volumes")).anyMatch(v -> v.endsWith(":/config:ro")).anyMatch(v -> v.endsWith(":/keys:ro"))
                .anyMatch(v -> v.endsWith(":/routes:ro")).contains("offsite-data:/data").anyMatch(v -> v.endsWith(":/backup:ro"));
        for (String name : List.of("SECRETS_DIR", "CONFIG_DIR", "ROUTES_DIR", "KEYS_DIR", "BACKUP_SET", "OFFSITE_IMAGE_HOST", "TZ")) {
            assertThat(Files.readString(Path.of("docker/offsite.env.example"))).as("the example env file names " + name)
                    .containsPattern("(?m)^" + name + "=");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void offsite_takes_its_password_and_keys_as_secret_files_none_in_its_environment() throws IOException {
        Map<String, Object> compose = yaml("docker/compose.yaml");
        Map<String, Object> offsite = at(compose, "services", "offsite");
        Map<String, String> files = Map.of("OFFSITE_HTTP_PASSWORD", "offsite_http_password", "AWS_ACCESS_KEY_ID", "aws_access_key_id",
                "AWS_SECRET_ACCESS_KEY", "aws_secret_access_key");

        // was: OFFSITE_HTTP_PASSWORD and the AWS keys as values, which `docker inspect` shows
        Map<String, Object> environment = at(offsite, "environment");
        assertThat(environment).doesNotContainKeys(files.keySet().toArray(String[]::new));
        assertThat((List<String>) at(offsite, "secrets")).containsExactlyInAnyOrderElementsOf(files.values());
        files.forEach((name, secret) -> {
            // the entrypoint reads NAME_FILE into NAME
            assertThat(environment.get(name + "_FILE")).isEqualTo("/run/secrets/" + secret);
            assertThat(at(compose, "secrets", secret, "file").toString()).isEqualTo("${SECRETS_DIR:-/etc/offsite/secrets}/" + secret);
        });
        String example = Files.readString(Path.of("docker/offsite.env.example"));
        assertThat(example).as("the example env file holds no secret").doesNotContainPattern("(?m)^(OFFSITE_HTTP_PASSWORD|AWS_[A-Z_]+)=");
        files.values().forEach(secret -> assertThat(example).as("and says how to write " + secret).contains("> " + secret));
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheus_is_optional_and_scrapes_the_metrics_with_the_pages_basic_auth() throws IOException {
        Map<String, Object> compose = yaml("docker/compose.yaml");
        Map<String, Object> prometheus = at(compose, "services", "prometheus");
        Map<String, Object> scrape = ((List<Map<String, Object>>) at(yaml("docker/prometheus.yml"), "scrape_configs")).get(0);

        assertThat((List<String>) at(prometheus, "profiles")).containsExactly("prometheus");
        assertThat((List<String>) at(prometheus, "ports")).allMatch(p -> p.startsWith("127.0.0.1:"));
        assertThat((List<String>) at(prometheus, "volumes")).contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        assertThat(scrape.get("metrics_path")).isEqualTo("/observe/metrics");
        assertThat((List<String>) ((List<Map<String, Object>>) scrape.get("static_configs")).get(0).get("targets")).containsExactly("offsite:8080");
        assertThat(at(scrape, "basic_auth", "username").toString()).isEqualTo(at(compose, "services", "offsite", "environment", "OFFSITE_HTTP_USER"));
        assertThat(at(scrape, "basic_auth", "password_file").toString()).isEqualTo("/run/secrets/offsite_http_password");
        assertThat((List<String>) at(prometheus, "secrets")).containsExactly("offsite_http_password");
        assertThat(at(compose, "secrets", "offsite_http_password", "file").toString()).endsWith("/offsite_http_password");
    }
}
