package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import offsite.cost.Prices;
import offsite.image.ImageSettings;
import offsite.store.EtagForm;
import offsite.store.S3SettingsReader;
import offsite.sync.MaintenanceGuard;
import offsite.sync.SyncSettings;
import offsite.web.HttpAuth;
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

    /** Every typed setting a reader checks, with what a careless hand writes: a word, a sign, a unit left out or wrong, empty. */
    static Stream<Bad> badValues() {
        return Stream.of(
                new Bad("offsite.sync.streams", "four", "a whole number from 1 to 64"),
                new Bad("offsite.sync.streams", "0", "a whole number from 1 to 64"),
                new Bad("offsite.sync.streams", "4 # parallel", "a whole number from 1 to 64"),
                new Bad("offsite.sync.part-streams", "-2", "a whole number from 1 to 32"),
                new Bad("offsite.sync.part-size", "1MB", "5MB to 5GB"),
                new Bad("offsite.sync.part-size", "32", "5MB to 5GB"),
                new Bad("offsite.sync.multipart-threshold", "6GB", "at most 5GB"),
                new Bad("offsite.sync.multipart-threshold", "200", "at least offsite.sync.part-size"),
                new Bad("offsite.sync.multipart-threshold", "200 megabytes", "a size such as 64MB"),
                new Bad("offsite.sync.bandwidth", "-5", "is not a rate such as 2MB"),
                new Bad("offsite.sync.bandwidth", "10", "offsite.sync.bandwidth: '10' is below 1K a second"),
                new Bad("offsite.sync.bandwidth", "23:30,500 06:00,off", "offsite.sync.bandwidth: '23:30,500 06:00,off': '500' is below 1K"),
                new Bad("offsite.sync.bandwidth", "23:30,off 23:30,1MB", "'23:30' is given twice"),
                new Bad("offsite.sync.max-duration", "soon", "a duration such as 330m"),
                new Bad("offsite.sync.max-duration", "0m", "a duration above zero"),
                new Bad("offsite.sync.max-duration", "99999999999999999999m", "a duration of at most 36500d"),
                new Bad("offsite.sync.start-delay-max", "15", "a duration such as 330m"),
                new Bad("offsite.sync.start-delay-max", "1h30", "a duration such as 330m"),
                new Bad("offsite.sync.start-delay-max", "25h", "a duration of at most 1d"),
                new Bad("offsite.sync.grace", "-10m", "a duration such as 330m"),
                new Bad("offsite.sync.stable-for", "2 minutes", "a duration such as 330m"),
                new Bad("offsite.sync.quiet-period", "", "a duration such as 330m"),
                new Bad("offsite.sync.cron", "0 30 23 * * MON-SAT", "Quartz says: Support for specifying both a day-of-week AND a day-of-month"),
                new Bad("offsite.sync.cron", "30 23 * * *", "a Quartz cron expression with seconds"),
                new Bad("offsite.sync.cron", "30 23 * * 1-6", "Quartz says: Unexpected end of expression.; it has 5 fields, as a crontab"
                        + " line: Quartz's begin with seconds, take ? in day-of-month or day-of-week, and count the days of the week from 1"
                        + " for Sunday (crontab's 30 23 * * 1-6 is '0 30 23 ? * MON-SAT')"),
                new Bad("offsite.sync.delete", "maybe", "true or false"),
                new Bad("offsite.sync.scheduled", "Nope", "true or false"),
                new Bad("offsite.sync.run-on-start", "1", "true or false"),
                new Bad("offsite.sync.max-delete-count", "-1", "a whole number from 0 to 2147483647"),
                new Bad("offsite.sync.max-delete-percent", "150", "a number from 0.0 to 100.0"),
                new Bad("offsite.sync.max-change-percent", "50%", "a number from 0.0 to 100.0"),
                new Bad("offsite.sync.trash-days", "-1", "a whole number from 0 to 36500"),
                new Bad("offsite.sync.retire-after-days", "a week", "a whole number from 0 to 36500"),
                new Bad("offsite.sync.prefix", "sets", "ending in '/'"),
                new Bad("offsite.sync.prefix", "", "such as sets/ (the trash and older generations are kept beside the mirror"),
                new Bad("offsite.sync.prefix", "/sets/", "not starting with it"),
                new Bad("offsite.sync.trash-prefix", "sets/trash/", "outside offsite.sync.prefix"),
                new Bad("offsite.sync.trash-prefix", "/trash/", "not starting with it"),
                new Bad("offsite.sync.maintenance-marker", "relative/*.lock", "absolute"),
                new Bad("offsite.sync.maintenance-marker", "/backups/[lock", "is not a glob"),
                new Bad("offsite.s3.bucket", "Not_A_Bucket", "not a valid bucket name"),
                new Bad("offsite.s3.bucket", "", "not a valid bucket name"),
                new Bad("offsite.s3.endpoint", "ftp://host", "not an http(s) URL"),
                new Bad("offsite.s3.endpoint", "s3.eu-west-1.amazonaws.com", "not an http(s) URL"),
                new Bad("offsite.s3.region", "", "a region name such as us-east-1"),
                new Bad("offsite.s3.region", "eu west 1", "a region name such as us-east-1"),
                new Bad("offsite.s3.checksum", "SOMETIMES", "WHEN_REQUIRED or WHEN_SUPPORTED"),
                new Bad("offsite.s3.etag", "sha256", "auto, md5 or opaque"),
                new Bad("offsite.s3.max-attempts", "0", "a whole number from 1 to 20"),
                new Bad("offsite.s3.path-style", "Yes please", "true or false"),
                new Bad("offsite.s3.create-bucket", "y", "true or false"),
                new Bad("offsite.s3.sign-payload", "sometimes", "true or false"),
                new Bad("offsite.s3.list-recursive", "deep", "true or false"),
                new Bad("offsite.image.roots", "etc", "is not absolute"),
                new Bad("offsite.image.excludes", "*.swp", "can never match"),
                new Bad("offsite.image.secrets", "/etc/[shadow", "is not a glob"),
                new Bad("offsite.image.scrub-rules", "password=(.*", "is not a regular expression"),
                new Bad("offsite.image.keys-dir", "", "a path"),
                new Bad("offsite.image.prefix", "images", "ending in '/'"),
                new Bad("offsite.image.prefix", "/images/", "not starting with it"),
                new Bad("offsite.image.host", "my laptop", "a host name"),
                new Bad("offsite.image.cron", "0 0 * * *", "a Quartz cron expression with seconds"),
                new Bad("offsite.image.full-factor", "0", "a number from 0.01 to 1000.0"),
                new Bad("offsite.image.full-factor", "two", "a number from 0.01 to 1000.0"),
                new Bad("offsite.image.full-max-age", "0d", "a duration above zero"),
                new Bad("offsite.image.full-max-age", "1 week", "a duration such as 330m"),
                new Bad("offsite.image.keep", "forever", "counts such as 24h,7d,5w,6m"),
                new Bad("offsite.image.zstd-level", "22", "a whole number from 1 to 19"),
                new Bad("offsite.image.full-read-every", "0", "a whole number from 1 to 100000"),
                new Bad("offsite.cost.storage-gb-month", "0,023", "a number from 0.0 to 1000.0"),
                new Bad("offsite.cost.put-per-1000", "-0.005", "a number from 0.0 to 1000.0"),
                new Bad("offsite.cost.get-per-1000", "free", "a number from 0.0 to 1000.0"),
                new Bad("offsite.cost.transfer-in-gb", "", "a number from 0.0 to 1000.0"),
                new Bad("offsite.cost.transfer-out-gb", "$0.09", "a number from 0.0 to 1000.0"),
                new Bad("offsite.http.host", "0.0.0.0", "is not a loopback address"));
    }

    /** The readers of the settings, in the order the start reads them. */
    static void readAll(Settings settings) {
        SyncSettings.from(settings);
        S3SettingsReader.from(settings);
        EtagForm.Setting.parse(settings.text("offsite.s3.etag"));
        new MaintenanceGuard(settings.list("offsite.sync.maintenance-marker"), Duration.ZERO);
        ImageSettings.from(settings);
        Prices.from(settings);
        HttpAuth.checkBinding(settings.text("offsite.http.host"), settings.optional("offsite.http.user"),
                settings.optional("offsite.http.password"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void a_bad_value_names_the_setting_the_value_and_what_is_expected(Bad bad) throws Exception {
        Settings settings = with(Map.of(bad.name(), bad.value()));
        assertThatThrownBy(() -> readAll(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.name()).hasMessageContaining("'" + bad.value() + "'").hasMessageContaining(bad.expected())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    /** A value that holds a secret, what the refusal says, and the secret it must not repeat, not even a piece of it. */
    record Secret(Map<String, String> settings, String name, String expected, String secret) {
    }

    /** The refusal shown for an endpoint whose login is hidden: the value with (hidden) for it, and what was expected. */
    static final String ENDPOINT_LOGIN_HIDDEN = "'https://(hidden)@s3.example.org' is not valid (expected an http(s) URL without"
            + " user:password@";

    static Stream<Secret> secretValues() {
        return Stream.of(
                new Secret(Map.of("offsite.s3.endpoint", "https://AKIAEXAMPLE:wJalr-S3CRET@s3.example.org"), "offsite.s3.endpoint",
                        "without user:password@", "S3CRET"),
                new Secret(Map.of("offsite.s3.endpoint", "https://AKIAEXAMPLE:wJalr S3CRET@s3.example.org"), "offsite.s3.endpoint",
                        "without user:password@", "S3CRET"),
                // a secret key may hold / ? # : @ (AWS's often hold /): the login runs to the last @
                new Secret(Map.of("offsite.s3.endpoint", "https://AKIAEXAMPLE:wJalr/K7MDENG/S3CRET@s3.example.org"), "offsite.s3.endpoint",
                        ENDPOINT_LOGIN_HIDDEN, "wJalr/K7MDENG/S3CRET"),
                new Secret(Map.of("offsite.s3.endpoint", "https://AKIAEXAMPLE:wJalr?K7MDENG#S3CRET@s3.example.org"), "offsite.s3.endpoint",
                        ENDPOINT_LOGIN_HIDDEN, "wJalr?K7MDENG#S3CRET"),
                new Secret(Map.of("offsite.s3.endpoint", "https://AKIAEXAMPLE:wJalr@K7MDENG:S3CRET@s3.example.org"), "offsite.s3.endpoint",
                        ENDPOINT_LOGIN_HIDDEN, "wJalr@K7MDENG:S3CRET"),
                new Secret(Map.of("offsite.s3.endpoint", "http://bench:bench/SECRETsl4sh@127.0.0.1:18095"), "offsite.s3.endpoint",
                        "'http://(hidden)@127.0.0.1:18095' is not valid", "bench/SECRETsl4sh"),
                new Secret(Map.of("offsite.s3.endpoint", "AKIAEXAMPLE:wJalr/S3CRET@s3.example.org"), "offsite.s3.endpoint",
                        "'(hidden)@s3.example.org' is not valid (expected an http(s) URL without user:password@", "wJalr/S3CRET"),
                new Secret(Map.of("offsite.s3.secret-key", "wJalr-S3CRET"), "offsite.s3.secret-key", "set both or neither", "S3CRET"),
                new Secret(Map.of("offsite.http.password", "pw-S3CRET"), "offsite.http.password", "expected both", "S3CRET"),
                new Secret(Map.of("offsite.http.host", "admin:PageS3CRET/x@0.0.0.0"), "offsite.http.host",
                        "'(hidden)@0.0.0.0' is not valid (expected an address of this machine", "PageS3CRET/x"),
                new Secret(Map.of("offsite.http.host", "http://admin:PageS3CRET@0.0.0.0", "offsite.http.user", "admin",
                        "offsite.http.password", "PageS3CRET"), "offsite.http.host", "'http://(hidden)@0.0.0.0' is not valid", "PageS3CRET"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("secretValues")
    void a_bad_value_holding_a_secret_is_refused_without_repeating_the_secret(Secret bad) throws Exception {
        Settings settings = with(bad.settings());
        assertThatThrownBy(() -> readAll(settings)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.name()).hasMessageContaining(bad.expected())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pieces(bad.secret())));
    }

    /** The secret and each run of 4 or more letters and digits in it: a message that shows any of them shows part of it. */
    static String[] pieces(String secret) {
        return Stream.concat(Stream.of(secret), Arrays.stream(secret.split("[^A-Za-z0-9]+")).filter(p -> p.length() >= 4))
                .toArray(String[]::new);
    }

    @Test
    void blanks_the_settings_file_keeps_after_a_value_are_forgiven() throws Exception {
        Settings settings = with(Map.of("offsite.sync.streams", "6  ", "offsite.sync.part-size", "16MB\t", "offsite.sync.max-duration",
                " 2h ", "offsite.sync.delete", "true ", "offsite.s3.region", "eu-west-1 "));

        SyncSettings sync = SyncSettings.from(settings);

        assertThat(sync.streams()).isEqualTo(6);
        assertThat(sync.shape().partSize()).isEqualTo(16L << 20);
        assertThat(sync.maxDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(sync.deletion().enabled()).isTrue();
        assertThat(S3SettingsReader.from(settings).region()).isEqualTo("eu-west-1");
    }

    @Test
    void the_secret_key_never_shows_in_the_settings_text() throws Exception {
        var s3 = S3SettingsReader.from(with(Map.of("offsite.s3.access-key", "AKIAEXAMPLE", "offsite.s3.secret-key", "wJalrXUtnFEMI-secret")));
        assertThat(s3.toString()).doesNotContain("wJalrXUtnFEMI-secret").doesNotContain("AKIAEXAMPLE");
    }
}
