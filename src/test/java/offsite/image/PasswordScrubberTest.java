package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordScrubberTest {

    private final PasswordScrubber scrubber = new PasswordScrubber(List.of("secret_word\\((\\w+)\\)", "<pass>([^<]*)</pass>"));

    /** A file's text before and after scrubbing. */
    record Case(String file, String before, String after) {
        @Override
        public String toString() {
            return file + ": " + before.lines().findFirst().orElse("");
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("shadow", "root:$6$abc$hash:19000:0:99999:7:::\n", "root:x:19000:0:99999:7:::\n"),
                new Case("shadow", "daemon:*:19000:0:99999:7:::\n", "daemon:*:19000:0:99999:7:::\n"),
                new Case("shadow", "nobody:!!:19000::::::\n", "nobody:!!:19000::::::\n"),
                new Case("shadow", "guest::19000::::::\n", "guest::19000::::::\n"),
                new Case("shadow", "locked:!$6$abc$hash:19000::::::\n", "locked:x:19000::::::\n"),
                new Case("shadow-", "old:$y$j9T$salt$hash:19000:0:99999:7:::\n", "old:x:19000:0:99999:7:::\n"),
                new Case("gshadow", "sudo:!::alice\nadm:grouphash:root:alice\n", "sudo:!::alice\nadm:x:root:alice\n"),
                new Case("app.env", "DB_PASSWORD=hunter2\n", "DB_PASSWORD=x\n"),
                new Case("app.env", "export API_TOKEN='tok123'\n", "export API_TOKEN='x'\n"),
                new Case("app.env", "PGPASSWORD=a=b=c\r\n", "PGPASSWORD=x\r\n"),
                new Case("app.yml", "  client-secret: \"s3cr3t\"\n", "  client-secret: \"x\"\n"),
                new Case("app.ini", "private_key = abcdef\n", "private_key = x\n"),
                new Case("app.ini", "passphrase=correct horse battery\n", "passphrase=x\n"),
                new Case("app.json", "  \"db_password\": \"p@ss\",\n", "  \"db_password\": \"x\",\n"),
                new Case("app.conf", "smtp.passwd : s3cr3t ;\n", "smtp.passwd : x ;\n"),
                new Case("app.env", "DB_HOST=db.example.org\nPASSWORD_MIN_LENGTH\n", "DB_HOST=db.example.org\nPASSWORD_MIN_LENGTH\n"),
                new Case("app.env", "password=\n", "password=\n"),
                new Case("app.env", "no newline at the end: token=abc", "no newline at the end: token=abc"),
                new Case("app.env", "token=abc", "token=x"),
                new Case("app.conf", "auth secret_word(letmein) and secret_word(again) end\n", "auth secret_word(x) and secret_word(x) end\n"),
                new Case("app.xml", "<user>bob</user><pass>hunter2</pass>\n", "<user>bob</user><pass>x</pass>\n"),
                new Case("tls.key", "before\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\nBBBB\n-----END RSA PRIVATE KEY-----\nafter\n",
                        "before\n-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\nafter\n"),
                new Case("key.asc", "-----BEGIN PGP PRIVATE KEY BLOCK-----\r\n\r\nlQOYBF\r\n=abcd\r\n-----END PGP PRIVATE KEY BLOCK-----\r\n",
                        "-----BEGIN PGP PRIVATE KEY BLOCK-----\r\nx\r\n-----END PGP PRIVATE KEY BLOCK-----\r\n"),
                new Case("cut.key", "-----BEGIN EC PRIVATE KEY-----\nAAAA\nBBBB\n", "-----BEGIN EC PRIVATE KEY-----\nx\n"),
                new Case("cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
                new Case("bytes.env", "caf\u00e9=cr\u00e8me\ntoken=\u00ff\u00fe\n", "caf\u00e9=cr\u00e8me\ntoken=x\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void replaces_each_password_value_by_x_and_keeps_the_rest(Case c) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scrubber.scrub(new ByteArrayInputStream(c.before().getBytes(StandardCharsets.ISO_8859_1)), out,
                PasswordScrubber.shadowStyle(Path.of("/etc", c.file())));

        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(c.after());
    }

    @Test
    void a_line_longer_than_the_limit_becomes_x_and_the_stream_goes_on() throws Exception {
        long lineBytes = 50L << 20; // 50 MiB in one line, generated: never held in memory
        InputStream huge = new SequenceInputStream(new ByteArrayInputStream("first=1\n".getBytes()),
                new SequenceInputStream(new RepeatedByte('a', lineBytes), new ByteArrayInputStream("\nlast token=zz\n".getBytes())));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        scrubber.scrub(huge, out, false);

        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("first=1\nx\nlast token=zz\n");
    }

    @Test
    void a_large_file_passes_through_line_by_line() throws Exception {
        long bytes = 64L << 20;
        long[] written = {0};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                written[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written[0] += len;
            }
        };
        scrubber.scrub(new RepeatedByte('\n', bytes), counter, false);

        assertThat(written[0]).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"no group here", "(two)(groups)", "unclosed(group"})
    void a_rule_without_exactly_one_group_is_refused_by_name(String rule) {
        assertThatThrownBy(() -> new PasswordScrubber(List.of(rule)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offsite.image.scrub-rules").hasMessageContaining(rule);
    }

    /** count copies of one byte, made as they are read. */
    static final class RepeatedByte extends InputStream {
        private final int value;
        private long left;

        RepeatedByte(char value, long count) {
            this.value = value;
            this.left = count;
        }

        @Override
        public int read() {
            return left-- > 0 ? value : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) value);
            left -= n;
            return n;
        }
    }
}
