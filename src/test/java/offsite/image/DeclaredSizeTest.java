package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A wrong bound once read nothing forever, so a case that does not end in 10 s fails. */
@Timeout(value = 10, threadMode = ThreadMode.SEPARATE_THREAD)
class DeclaredSizeTest {

    @ParameterizedTest(name = "{0} bytes stored, {1} declared")
    @CsvSource({"0, 0", "1, 1", "100000, 100000", "0, 5", "99999, 100000", "100000, 9223372036854775807"})
    void stored_bytes_up_to_the_declared_size_read_whole(int stored, long declared) throws Exception {
        try (InputStream in = DeclaredSize.stored(new ByteArrayInputStream(new byte[stored]), declared)) {
            assertThat(in.readAllBytes()).hasSize(stored);
        }
    }

    @ParameterizedTest(name = "{0} bytes stored, {1} declared")
    @CsvSource({"1, 0", "100001, 100000", "200000, 1"})
    void stored_bytes_past_the_declared_size_are_told(int stored, long declared) {
        InputStream in = DeclaredSize.stored(new ByteArrayInputStream(new byte[stored]), declared);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(DeclaredSize.Exceeded.class)
                .hasMessage("it holds more than the " + declared + " bytes its manifest declares");
    }

    @ParameterizedTest(name = "{0} bytes written, {1} declared")
    @CsvSource({"0, 0", "8192, 8192", "8191, 8192"})
    void content_up_to_the_declared_size_is_written(int written, long declared) throws Exception {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        try (OutputStream out = DeclaredSize.content(target, declared)) {
            out.write(new byte[written]);
        }
        assertThat(target.size()).isEqualTo(written);
    }

    @ParameterizedTest(name = "{0} bytes written, {1} declared")
    @CsvSource({"1, 0", "8193, 8192", "65536, 8192"})
    void content_past_the_declared_size_never_reaches_the_target(int written, long declared) {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        OutputStream out = DeclaredSize.content(target, declared);

        assertThatThrownBy(() -> out.write(new byte[written])).isInstanceOf(DeclaredSize.Exceeded.class)
                .hasMessage("it expands past the " + declared + " bytes its manifest declares");
        assertThat(target.size()).isZero();
    }
}
