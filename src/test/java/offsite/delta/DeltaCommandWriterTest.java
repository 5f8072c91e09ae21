package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Commands use the shortest integer widths, as rdiff's emit.c does. */
class DeltaCommandWriterTest {

    record Copy(long offset, long length, String hex) {
    }

    static Stream<Copy> copies() {
        return Stream.of(
                new Copy(0, 1, "450001"),
                new Copy(255, 256, "46ff0100"),
                new Copy(65_536, 20_480, "4e000100005000"),
                new Copy(1L << 32, 70_000, "530000000100000000" + "00011170"),
                new Copy(5, 1L << 40, "48" + "05" + "0000010000000000"));
    }

    @ParameterizedTest
    @MethodSource("copies")
    void copy_uses_the_fewest_bytes_for_offset_and_length(Copy copy) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DeltaCommandWriter(out).copy(copy.offset(), copy.length());
        assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo("72730236" + copy.hex());
    }

    record Literal(int length, String commandHex) {
    }

    static Stream<Literal> literals() {
        return Stream.of(new Literal(1, "01"), new Literal(64, "40"), new Literal(65, "4141"),
                new Literal(256, "420100"), new Literal(70_000, "4300011170"));
    }

    @ParameterizedTest
    @MethodSource("literals")
    void literal_length_is_in_the_command_up_to_64_then_in_1_2_or_4_bytes(Literal literal) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] data = new byte[literal.length()];
        new DeltaCommandWriter(out).literal(data, 0, data.length);
        String hex = HexFormat.of().formatHex(out.toByteArray());
        assertThat(hex).startsWith("72730236" + literal.commandHex())
                .hasSize(2 * (4 + literal.commandHex().length() / 2 + literal.length()));
    }
}
