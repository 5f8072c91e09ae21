package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExactSizeTest {

    @ParameterizedTest(name = "header {0}, content {1}")
    @CsvSource({"5, hello, false", "3, hello, true", "8, hello, true", "0, '', false", "0, a, true"})
    void a_file_that_changed_while_read_still_fills_exactly_its_header_size(int size, String content, boolean changed) throws Exception {
        String written = (content + "\0".repeat(Math.max(0, size - content.length()))).substring(0, size);
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        boolean copyChanged = ExactCopy.copy(new ByteArrayInputStream(content.getBytes()), copied, size);
        ByteArrayOutputStream made = new ByteArrayOutputStream();
        ExactSizeOutput exact = new ExactSizeOutput(made, size);
        exact.write(content.getBytes());

        assertThat(copied.toString()).isEqualTo(written);
        assertThat(copyChanged).isEqualTo(changed);
        assertThat(exact.finish()).isEqualTo(changed);
        assertThat(made.toString()).isEqualTo(written);
    }

    @ParameterizedTest
    @CsvSource({"200000, 100", "100, 200000"})
    void padding_and_cutting_work_past_one_buffer(int size, int contentSize) throws Exception {
        byte[] content = new byte[contentSize];
        Arrays.fill(content, (byte) 'a');
        ByteArrayOutputStream copied = new ByteArrayOutputStream();

        assertThat(ExactCopy.copy(new ByteArrayInputStream(content), copied, size)).isTrue();
        assertThat(copied.size()).isEqualTo(size);
    }
}
