package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import offsite.config.SettingError;
import offsite.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** offsite.notify.* is checked at start: a bad URL, port, address or TLS mode is named, and no secret is repeated. */
class NotifySettingsTest {

    static final Map<String, String> MAIL = Map.of("offsite.notify.mail.host", "smtp.example.org", "offsite.notify.mail.from",
            "offsite@example.org", "offsite.notify.mail.to", "ops@example.org");

    static NotifySettings read(Map<String, String> changes) throws Exception {
        Properties p = new Properties();
        try (InputStream in = NotifySettingsTest.class.getResourceAsStream("/defaults/application.properties")) {
            p.load(in);
        }
        p.putAll(changes);
        return NotifySettings.from(new Settings(p::getProperty));
    }

    static Map<String, String> mailWith(String... pairs) {
        Map<String, String> out = new HashMap<>(MAIL);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    @Test
    void the_packed_defaults_send_nothing() throws Exception {
        NotifySettings s = read(Map.of());

        assertThat(s.mail()).isNull();
        assertThat(s.webhook()).isNull();
        assertThat(s.heartbeat()).isNull();
        assertThat(s.when()).isEqualTo(NotifyWhen.ALWAYS);
        assertThat(s.retries()).isEqualTo(3);
        assertThat(s.retryDelay()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void a_full_configuration_reads_as_written_and_its_text_hides_the_secrets() throws Exception {
        NotifySettings s = read(mailWith("offsite.notify.mail.user", "offsite", "offsite.notify.mail.password", "pw-S3CRET",
                "offsite.notify.mail.to", "Ops <ops@example.org>, night@example.org",
                "offsite.notify.webhook.url", "https://hooks.example.org/services/T0/B0/HOOK-S3CRET",
                "offsite.notify.webhook.headers", "Authorization: Bearer TOKEN-S3CRET; X-Team: backup",
                "offsite.notify.heartbeat-url", "https://hc-ping.com/5b7a4c1e-9d3f-6a2b-8e1c-PING-S3CRET?rid=1",
                "offsite.notify.image-heartbeat-url", "https://hc-ping.com/0c9d8e7f-IMAGE-PING-S3CRET"));

        assertThat(s.mail().port()).isEqualTo(587);
        assertThat(s.mail().tls()).isEqualTo(MailTls.STARTTLS);
        assertThat(s.mail().to()).containsExactly("Ops <ops@example.org>", "night@example.org");
        assertThat(s.webhookHeaders()).containsExactly(new WebhookHeader("Authorization", "Bearer TOKEN-S3CRET"),
                new WebhookHeader("X-Team", "backup"));
        assertThat(NotifySettings.failure(s.heartbeat())).isEqualTo(URI.create("https://hc-ping.com/5b7a4c1e-9d3f-6a2b-8e1c-PING-S3CRET/fail?rid=1"));
        assertThat(NotifySettings.failure(s.imageHeartbeat())).isEqualTo(URI.create("https://hc-ping.com/0c9d8e7f-IMAGE-PING-S3CRET/fail"));
        assertThat(s.toString()).doesNotContain("S3CRET").contains("https://hooks.example.org/…", "https://hc-ping.com/…");
        assertThat(s.secrets()).contains("0c9d8e7f-IMAGE-PING-S3CRET");
    }

    /** A bad value, the setting the refusal names, what it says, and what it must never repeat. */
    record Bad(Map<String, String> settings, String name, String said, String neverShown) {
    }

    static Stream<Bad> badValues() {
        return Stream.of(
                new Bad(Map.of("offsite.notify.when", "sometimes"), "offsite.notify.when", "always or problems", null),
                new Bad(mailWith("offsite.notify.mail.port", "0"), "offsite.notify.mail.port", "a whole number from 1 to 65535", null),
                new Bad(mailWith("offsite.notify.mail.port", "smtp"), "offsite.notify.mail.port", "a whole number from 1 to 65535", null),
                new Bad(mailWith("offsite.notify.mail.host", "smtp://smtp.example.org:587"), "offsite.notify.mail.host",
                        "without scheme, login or port", null),
                new Bad(mailWith("offsite.notify.mail.host", "smtp://mailer:MailHostSecret1@smtp.example.org:587"), "offsite.notify.mail.host",
                        "'smtp://(hidden)@smtp.example.org:587' is not valid (expected a host name", "MailHostSecret1"),
                new Bad(mailWith("offsite.notify.mail.host", "mailer:MailPw1/S3CRET@smtp.example.org"), "offsite.notify.mail.host",
                        "'(hidden)@smtp.example.org' is not valid (expected a host name", "MailPw1"),
                new Bad(mailWith("offsite.notify.mail.tls", "ssl"), "offsite.notify.mail.tls", "none, starttls or tls", null),
                new Bad(mailWith("offsite.notify.mail.from", "offsite at example.org"), "offsite.notify.mail.from",
                        "mail addresses such as ops@example.org", null),
                new Bad(mailWith("offsite.notify.mail.to", "ops@example.org, nobody"), "offsite.notify.mail.to",
                        "mail addresses such as ops@example.org", null),
                new Bad(mailWith("offsite.notify.mail.to", ""), "offsite.notify.mail.to", "at least one recipient", null),
                new Bad(Map.of("offsite.notify.mail.to", "ops@example.org"), "offsite.notify.mail.host", "while offsite.notify.mail.to is set",
                        null),
                new Bad(mailWith("offsite.notify.mail.user", "offsite"), "offsite.notify.mail.password", "goes with offsite.notify.mail.user",
                        null),
                new Bad(mailWith("offsite.notify.mail.password", "pw-S3CRET"), "offsite.notify.mail.user",
                        "goes with offsite.notify.mail.password", "pw-S3CRET"),
                new Bad(mailWith("offsite.notify.mail.user", "offsite", "offsite.notify.mail.password", "pw-S3CRET",
                        "offsite.notify.mail.tls", "none"), "offsite.notify.mail.tls", "would cross the network in clear", "pw-S3CRET"),
                new Bad(Map.of("offsite.notify.webhook.url", "ftp://hooks.example.org/HOOK-S3CRET"), "offsite.notify.webhook.url",
                        "an http:// or https:// URL", "HOOK-S3CRET"),
                new Bad(Map.of("offsite.notify.webhook.url", "hooks.example.org/services/HOOK-S3CRET"), "offsite.notify.webhook.url",
                        "an http:// or https:// URL", "HOOK-S3CRET"),
                new Bad(Map.of("offsite.notify.webhook.url", "https://user:PW-S3CRET@hooks.example.org/x"), "offsite.notify.webhook.url",
                        "no user:password@", "PW-S3CRET"),
                new Bad(Map.of("offsite.notify.webhook.url", "https://hook:tok/SECRETwh@hooks.example.org/x"), "offsite.notify.webhook.url",
                        "'https://hooks.example.org/…' is not valid (expected an http:// or https:// URL", "hook:tok"),
                new Bad(Map.of("offsite.notify.webhook.url", "https://hooks.example.org/x", "offsite.notify.webhook.headers",
                        "Authorization Bearer TOKEN-S3CRET"), "offsite.notify.webhook.headers", "\"Name: value; Name2: value2\"", "TOKEN-S3CRET"),
                new Bad(Map.of("offsite.notify.webhook.url", "https://hooks.example.org/x", "offsite.notify.webhook.headers",
                        "X Key: TOKEN-S3CRET"), "offsite.notify.webhook.headers", "each name a plain word", "TOKEN-S3CRET"),
                new Bad(Map.of("offsite.notify.webhook.headers", "Authorization: Bearer TOKEN-S3CRET"), "offsite.notify.webhook.headers",
                        "empty while offsite.notify.webhook.url is empty", "TOKEN-S3CRET"),
                new Bad(Map.of("offsite.notify.heartbeat-url", "hc-ping.com/PING-S3CRET"), "offsite.notify.heartbeat-url",
                        "an http:// or https:// URL", "PING-S3CRET"),
                new Bad(Map.of("offsite.notify.heartbeat-url", "https://hc ping.com/PING-S3CRET"), "offsite.notify.heartbeat-url",
                        "an http:// or https:// URL", "PING-S3CRET"),
                new Bad(Map.of("offsite.notify.retries", "-1"), "offsite.notify.retries", "a whole number from 0 to 10", null),
                new Bad(Map.of("offsite.notify.retries", "three"), "offsite.notify.retries", "a whole number from 0 to 10", null),
                new Bad(Map.of("offsite.notify.retry-delay", "0s"), "offsite.notify.retry-delay", "a duration above zero", null),
                new Bad(Map.of("offsite.notify.retry-delay", "10"), "offsite.notify.retry-delay", "a duration such as 330m", null),
                new Bad(Map.of("offsite.notify.when", ""), "offsite.notify.when", "always or problems", null));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("badValues")
    void a_bad_setting_is_refused_naming_it_and_what_is_expected_without_repeating_a_secret(Bad bad) {
        SettingError e = catchThrowableOfType(() -> read(bad.settings()), SettingError.class);

        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).startsWith(bad.name() + ": ").contains(bad.said());
        if (bad.neverShown() != null) {
            assertThat(e.getMessage()).doesNotContain(bad.neverShown());
        }
    }

    @Test
    void a_mail_server_on_this_machine_may_take_a_password_without_tls() throws Exception {
        NotifySettings s = read(mailWith("offsite.notify.mail.host", "127.0.0.1", "offsite.notify.mail.tls", "none",
                "offsite.notify.mail.user", "offsite", "offsite.notify.mail.password", "pw"));

        assertThat(s.mail().tls()).isEqualTo(MailTls.NONE);
        assertThat(s.secrets()).contains("pw");
    }

    /** A TLS mode and the JavaMail properties it must set. */
    record Protection(MailTls tls, Map<String, String> properties) {
    }

    static Stream<Protection> protections() {
        return Stream.of(
                new Protection(MailTls.NONE, Map.of()),
                new Protection(MailTls.STARTTLS, Map.of("mail.smtp.starttls.enable", "true", "mail.smtp.starttls.required", "true",
                        "mail.smtp.ssl.checkserveridentity", "true")),
                new Protection(MailTls.TLS, Map.of("mail.smtp.ssl.enable", "true", "mail.smtp.ssl.checkserveridentity", "true")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protections")
    void each_tls_mode_sets_its_javamail_properties_and_never_falls_back_to_plain(Protection p) {
        assertThat(p.tls().javaMailProperties()).containsExactlyInAnyOrderEntriesOf(p.properties());
    }

    @Test
    void the_secrets_to_mask_are_the_password_the_header_values_and_long_url_paths() throws Exception {
        NotifySettings s = read(Map.of("offsite.notify.webhook.url", "https://hooks.example.org/x",
                "offsite.notify.webhook.headers", "Authorization: Bearer TOKEN-S3CRET",
                "offsite.notify.heartbeat-url", "https://hc-ping.com/0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90"));

        assertThat(s.secrets()).containsExactly("Bearer TOKEN-S3CRET", "0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90");
        assertThat(List.copyOf(s.webhookHeaders()).toString()).isEqualTo("[Authorization: ***]");
    }
}
