package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import offsite.OffsiteApp;
import offsite.testing.LogLines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A setting name Offsite does not know stops the start naming the closest real one (issue 15, item 11). */
class SettingNamesTest {

    @TempDir
    Path dir;

    LogLines log;

    @BeforeEach
    void listen() {
        log = new LogLines();
    }

    @AfterEach
    void stopListening() {
        log.close();
    }

    List<String> warnings() {
        return log.lines().stream().filter(l -> l.startsWith("WARN ")).map(l -> l.substring("WARN ".length())).toList();
    }

    /** A mistyped line, what the one-line refusal must say, the name it suggests, and what it must never show (or null). */
    record Typo(String line, String said, String suggestion, String neverShown) {
    }

    static Stream<Typo> typos() {
        return Stream.of(
                new Typo("offsite.sync.stream=4", "offsite.sync.stream: '4' is not a setting", "did you mean offsite.sync.streams?", null),
                new Typo("offsite.s3.bucke=my-backups", "offsite.s3.bucke: 'my-backups' is not a setting", "did you mean offsite.s3.bucket?",
                        null),
                new Typo("offsite.sync.max_duration=2h", "offsite.sync.max_duration: '2h' is not a setting",
                        "did you mean offsite.sync.max-duration?", null),
                new Typo("offsite.http.hots=0.0.0.0", "offsite.http.hots: '0.0.0.0' is not a setting", "did you mean offsite.http.host?", null),
                new Typo("offsite.s3.secret-kye=wJalr-SECRET", "offsite.s3.secret-kye: (value hidden) is not a setting",
                        "did you mean offsite.s3.secret-key?", "wJalr-SECRET"),
                new Typo("offsite.http.pasword=hunter2", "offsite.http.pasword: (value hidden)", "did you mean offsite.http.password?",
                        "hunter2"),
                // a secret-like name hides its value whatever the closest real name is (here a port, a recipient, a checksum)
                new Typo("offsite.http.pwd=TypoSecret42", "offsite.http.pwd: (value hidden) is not a setting",
                        "did you mean offsite.http.port?", "TypoSecret42"),
                new Typo("offsite.notify.mail.pw=MailTypo42", "offsite.notify.mail.pw: (value hidden) is not a setting",
                        "did you mean offsite.notify.mail.to?", "MailTypo42"),
                new Typo("offsite.s3.credential=CredTypo42", "offsite.s3.credential: (value hidden) is not a setting", "did you mean",
                        "CredTypo42"),
                // a URL's login is hidden under any name
                new Typo("offsite.s3.endpont=https://AKIAEXAMPLE:wJalr/S3CRET@s3.example.org",
                        "offsite.s3.endpont: 'https://(hidden)@s3.example.org' is not a setting", "did you mean offsite.s3.endpoint?",
                        "wJalr/S3CRET"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("typos")
    void an_unknown_name_in_the_settings_file_stops_the_start_naming_the_closest_setting(Typo typo) throws Exception {
        Path config = Files.writeString(dir.resolve("application.properties"), "offsite.sync.streams=2\n" + typo.line() + "\n");

        IllegalArgumentException e = catchThrowableOfType(() -> OffsiteApp.create(config, Map.of()), IllegalArgumentException.class);

        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).contains(typo.said()).contains(typo.suggestion()).contains("in " + config).doesNotContain("\n");
        if (typo.neverShown() != null) {
            assertThat(e.getMessage()).doesNotContain(typo.neverShown());
        }
    }

    @Test
    void an_unknown_name_given_with_minus_d_stops_the_start() {
        System.setProperty("offsite.sync.stream", "4");
        try {
            IllegalArgumentException e = catchThrowableOfType(() -> OffsiteApp.create(null, Map.of()), IllegalArgumentException.class);

            assertThat(e.getMessage()).isEqualTo("offsite.sync.stream: '4' is not a setting (set with -D); did you mean offsite.sync.streams?");
        } finally {
            System.clearProperty("offsite.sync.stream");
        }
    }

    @Test
    void every_packed_setting_and_the_names_the_program_sets_itself_are_accepted() throws Exception {
        Path config = Files.writeString(dir.resolve("application.properties"), "offsite.sync.streams=6\noffsite.http.port=9000\n"
                + "camel.main.name=anything-camel-reads\n");

        assertThatCode(() -> OffsiteApp.create(config, Map.of("offsite.mode", "sync", "offsite.image.scheduled", "false")))
                .doesNotThrowAnyException();
        assertThat(warnings()).noneMatch(w -> w.contains("offsite."));
    }

    @Test
    void a_removed_setting_that_no_longer_changes_anything_is_accepted_with_a_warning_that_says_what_replaced_it() throws Exception {
        Path config = Files.writeString(dir.resolve("application.properties"), "offsite.sync.scan-interval=30s\n");

        assertThatCode(() -> OffsiteApp.create(config, Map.of())).doesNotThrowAnyException();

        assertThat(warnings()).containsExactly("offsite.sync.scan-interval (in " + config + ") was removed and is ignored: a pass walks"
                + " the source tree when it starts, so nothing walks it between passes; remove it from your settings");
    }

    /** What the names check says of a removed setting, by whether the defaults still carry it and whether it may stay. */
    record Removed(boolean inDefaults, boolean stillAccepted, SettingNames.Finding finding) {
    }

    static Stream<Removed> removals() {
        String why = "a pass walks the source tree when it starts, so nothing walks it between passes";
        return Stream.of(
                new Removed(true, true, new SettingNames.Finding(false, "offsite.sync.scan-interval (in app.properties) is going away: "
                        + why + "; remove it from your settings")),
                new Removed(false, true, new SettingNames.Finding(false, "offsite.sync.scan-interval (in app.properties) was removed and is"
                        + " ignored: " + why + "; remove it from your settings")),
                new Removed(false, false, new SettingNames.Finding(true, "offsite.sync.scan-interval: '60s' was removed (in app.properties): "
                        + why + "; remove it from your settings")));
    }

    @ParameterizedTest(name = "in defaults {0}, still accepted {1}")
    @MethodSource("removals")
    void a_removed_setting_says_it_was_removed_and_what_replaced_it_not_that_it_never_existed(Removed r) {
        Set<String> known = r.inDefaults() ? Set.of("offsite.sync.streams", "offsite.sync.scan-interval") : Set.of("offsite.sync.streams");
        Map<String, SettingNames.Removal> removed = Map.of("offsite.sync.scan-interval",
                new SettingNames.Removal(SettingNames.REMOVED.get("offsite.sync.scan-interval").replacement(), r.stillAccepted()));

        assertThat(new SettingNames(known, removed).check(Map.of("offsite.sync.scan-interval", "60s"), "in app.properties"))
                .containsExactly(r.finding());
    }

    /** An environment variable, and the warning it gets (null: none). */
    record Variable(String name, String warning) {
    }

    static Stream<Variable> variables() {
        return Stream.of(
                new Variable("OFFSITE_SYNC_STREAM", "environment variable OFFSITE_SYNC_STREAM names no setting and is ignored;"
                        + " did you mean OFFSITE_SYNC_STREAMS?"),
                new Variable("OFFSITE_S3_SECRET_KEY", null),
                new Variable("OFFSITE_SYNC_PART_STREAMS", null),
                new Variable("OFFSITE_HOME", null),
                new Variable("OFFSITE_CDS", null),
                new Variable("OFFSITE_SYNC_SCAN_INTERVAL", "environment variable OFFSITE_SYNC_SCAN_INTERVAL sets offsite.sync.scan-interval,"
                        + " which was removed and is ignored: a pass walks the source tree when it starts, so nothing walks it between passes"),
                new Variable("PATH", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variables")
    void an_environment_variable_that_names_no_setting_only_warns(Variable v) {
        List<SettingNames.Finding> found = SettingNames.packed().checkEnvironment(Map.of(v.name(), "value-never-shown"));

        assertThat(found).allMatch(f -> !f.refused()).allMatch(f -> !f.message().contains("value-never-shown"));
        assertThat(found.stream().map(SettingNames.Finding::message).toList())
                .isEqualTo(v.warning() == null ? List.of() : List.of(v.warning()));
    }
}
