package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import offsite.store.S3SettingsReader;
import offsite.sync.MaintenanceGuard;
import offsite.sync.SyncSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

    static Properties defaults() throws Exception {
        Properties p = new Properties();
        try (InputStream in = SettingsTest.class.getResourceAsStream("/defaults/application.properties")) {
            p.load(in);
        }
        return p;
    }

    static Settings with(Map<String, String> changes) throws Exception {
        Properties p = defaults();
        p.putAll(changes);
        return new Settings(p::getProperty);
    }

    @Test
    void the_packed_defaults_read_cleanly() throws Exception {
        SyncSettings sync = SyncSettings.from(with(Map.of()));
        assertThat(sync.streams()).isEqualTo(4);
        assertThat(sync.maxDuration()).isEqualTo(Duration.ofMinutes(330));
        assertThat(sync.startDelayMax()).isEqualTo(Duration.ofMinutes(15));
        assertThat(sync.cron()).isEqualTo("0 30 23 ? * MON-SAT");
        assertThat(sync.deletion().enabled()).isFalse();
        assertThat(S3SettingsReader.from(with(Map.of())).embedded()).isTrue();
    }

    record Bad(String name, String value, String expected) {
    }

    static Stream<Bad> badValues() {
        return Stream.of(
                new Bad("offsite.sync.streams", "four", "a whole number from 1 to 64"),
                new Bad("offsite.sync.streams", "0", "a whole number from 1 to 64"),
                new Bad("offsite.sync.part-size", "1MB", "5MB to 5GB"),
                new Bad("offsite.sync.multipart-threshold", "6GB", "at most 5GB"),
                new Bad("offsite.sync.max-duration", "soon", "a duration such as 330m"),
                new Bad("offsite.sync.max-duration", "0m", "a duration above zero"),
                new Bad("offsite.sync.cron", "0 30 23 * * MON-SAT", "Quartz says: Support for specifying both a day-of-week AND a day-of-month"),
                new Bad("offsite.sync.cron", "30 23 * * *", "a Quartz cron expression with seconds"),
                new Bad("offsite.sync.delete", "maybe", "true or false"),
                new Bad("offsite.sync.max-delete-percent", "150", "a number from 0.0 to 100.0"),
                new Bad("offsite.sync.prefix", "sets", "ending in '/'"),
                new Bad("offsite.sync.trash-prefix", "sets/trash/", "outside offsite.sync.prefix"),
                new Bad("offsite.sync.maintenance-marker", "relative/*.lock", "absolute"),
                new Bad("offsite.s3.bucket", "Not_A_Bucket", "not a valid bucket name"),
                new Bad("offsite.s3.endpoint", "ftp://host", "not an http(s) URL"),
                new Bad("offsite.s3.checksum", "SOMETIMES", "WHEN_REQUIRED or WHEN_SUPPORTED"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void a_bad_value_names_the_setting_the_value_and_what_is_expected(Bad bad) throws Exception {
        Settings settings = with(Map.of(bad.name(), bad.value()));
        assertThatThrownBy(() -> {
            SyncSettings.from(settings);
            S3SettingsReader.from(settings);
            new MaintenanceGuard(settings.list("offsite.sync.maintenance-marker"), Duration.ZERO);
        }).hasMessageContaining(bad.name()).hasMessageContaining(bad.value()).hasMessageContaining(bad.expected());
    }

    @Test
    void the_secret_key_never_shows_in_the_settings_text() throws Exception {
        var s3 = S3SettingsReader.from(with(Map.of("offsite.s3.access-key", "AKIAEXAMPLE", "offsite.s3.secret-key", "wJalrXUtnFEMI-secret")));
        assertThat(s3.toString()).doesNotContain("wJalrXUtnFEMI-secret").doesNotContain("AKIAEXAMPLE");
    }
}
