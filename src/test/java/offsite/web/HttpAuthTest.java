package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which Authorization headers the page's basic auth lets in. */
class HttpAuthTest {

    private static final String TOKEN = Base64.getEncoder().encodeToString("admin:s3cr3t:pw".getBytes(StandardCharsets.UTF_8));

    record Header(String name, String value, boolean denied) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Header> headers() {
        return Stream.of(
                new Header("as browsers and curl send it", "Basic " + TOKEN, false),
                new Header("the scheme in lower case (RFC 7617: any case)", "basic " + TOKEN, false),
                new Header("the scheme in capitals, two blanks", "BASIC  " + TOKEN, false),
                new Header("a trailing blank", "Basic " + TOKEN + " ", false),
                new Header("another password", "Basic " + Base64.getEncoder().encodeToString("admin:wrong".getBytes(StandardCharsets.UTF_8)), true),
                new Header("another scheme with the same token", "Bearer " + TOKEN, true),
                new Header("the token alone", TOKEN, true),
                new Header("the scheme alone", "Basic", true),
                new Header("none", null, true));
    }

    @ParameterizedTest
    @MethodSource("headers")
    void basic_auth_takes_the_credentials_whatever_the_schemes_case(Header h) {
        HttpAuth auth = new HttpAuth("admin", "s3cr3t:pw", "127.0.0.1", 8080);

        assertThat(auth.denied(h.value())).isEqualTo(h.denied());
    }
}
