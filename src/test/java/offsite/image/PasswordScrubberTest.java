package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PasswordScrubberTest {

    private final PasswordScrubber scrubber = new PasswordScrubber(List.of("secret_word\\((\\w+)\\)"));

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "shadow   | root:$6$abc$hash:19000:0:99999:7:::        | root:x:19000:0:99999:7:::",
            "shadow   | daemon:*:19000:0:99999:7:::                | daemon:*:19000:0:99999:7:::",
            "shadow   | locked:!$6$abc$hash:19000::::::            | locked:x:19000::::::",
            "gshadow  | sudo:!::alice                              | sudo:!::alice",
            "app.env  | DB_PASSWORD=hunter2                        | DB_PASSWORD=x",
            "app.env  | export API_TOKEN='tok123'                  | export API_TOKEN='x'",
            "app.yml  | client-secret: \"s3cr3t\"                  | client-secret: \"x\"",
            "app.ini  | private_key = abcdef                       | private_key = x",
            "app.ini  | passphrase=correct horse battery           | passphrase=x",
            "app.env  | DB_HOST=db.example.org                     | DB_HOST=db.example.org",
            "app.conf | auth secret_word(letmein) end              | auth secret_word(x) end"})
    void replaces_each_password_value_by_x_and_keeps_the_rest(String file, String line, String expected) {
        byte[] out = scrubber.scrub(file, (line + "\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(out, StandardCharsets.ISO_8859_1)).isEqualTo(expected + "\n");
    }

    @org.junit.jupiter.api.Test
    void a_pem_private_key_keeps_its_frame_and_loses_its_body() {
        String pem = "before\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\nBBBB\n-----END RSA PRIVATE KEY-----\nafter\n";
        String out = new String(scrubber.scrub("tls.key", pem.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
        assertThat(out).isEqualTo("before\n-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\nafter\n");
    }
}
