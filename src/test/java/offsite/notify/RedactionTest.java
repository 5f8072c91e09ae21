package offsite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a log line may keep of a notification's error: URLs cut to their host, configured secrets masked. */
class RedactionTest {

    record Case(String text, String shown) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("HTTP operation failed invoking https://hc-ping.com/0f8c4d2e-5b7a/fail with statusCode: 500",
                        "HTTP operation failed invoking https://hc-ping.com/… with statusCode: 500"),
                new Case("connect to https://user:PW@hooks.example.org:8443 refused", "connect to https://hooks.example.org:8443/… refused"),
                new Case("connect to https://hook:tok/SECRETwh@hooks.example.org/x refused", "connect to https://hooks.example.org/… refused"),
                new Case("POST 'http://127.0.0.1:8080/hook?token=abc' failed", "POST 'http://127.0.0.1:8080/…' failed"),
                new Case("https://hooks.example.org", "https://hooks.example.org"),
                new Case("535 5.7.8 Authentication failed for mail-pw-S3CRET", "535 5.7.8 Authentication failed for ***"),
                new Case("header was Bearer tok-S3CRET and the id 0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90",
                        "header was *** and the id ***"),
                new Case("Couldn't connect to host, port: smtp.example.org, 587; timeout 30000",
                        "Couldn't connect to host, port: smtp.example.org, 587; timeout 30000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_log_line_keeps_the_host_and_the_reason_and_loses_every_secret(Case c) {
        Redaction r = new Redaction(List.of("mail-pw-S3CRET", "Bearer tok-S3CRET", "0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90"));

        assertThat(r.apply(c.text())).isEqualTo(c.shown());
    }

    record Url(String value, String shown) {
    }

    static Stream<Url> urls() {
        return Stream.of(
                new Url("https://hc-ping.com/0f8c4d2e-5b7a-4c1e-9d3f-6a2b8e1c7d90", "https://hc-ping.com/…"),
                new Url("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
                new Url("https://user:pw@example.org", "https://example.org/…"),
                // a password may hold / ? # and @: the login runs to the last @
                new Url("https://hook:tok/SECRETwh@hooks.example.org/x", "https://hooks.example.org/…"),
                new Url("https://hook:tok?SEC#RETwh@hooks.example.org", "https://hooks.example.org/…"),
                new Url("https://hook:tok@SECRETwh@hooks.example.org:8443/x", "https://hooks.example.org:8443/…"),
                new Url("hook:tok/SECRETwh@hooks.example.org/x", "(hidden)@hooks.example.org/…"),
                new Url("hooks.slack.com/services/T0/B0/XXXX", "hooks.slack.com/…"),
                new Url("no-slash-at-all", "no-slash-at-all"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("urls")
    void a_url_is_shown_as_its_scheme_and_host(Url u) {
        assertThat(Redaction.url(u.value())).isEqualTo(u.shown());
    }
}
