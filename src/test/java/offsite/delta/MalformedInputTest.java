package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken deltas and signatures fail with a message that says what is wrong and where. */
class MalformedInputTest {

    private static final byte[] BASIS = "abcdefghij".getBytes(StandardCharsets.US_ASCII);

    record Broken(String name, String hex, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Broken> deltas() {
        return Stream.of(
                new Broken("empty", "", "delta is truncated: it ends at byte 0 inside the delta magic"),
                new Broken("bad magic", "7273013600", "not a librsync delta: magic 0x72730136 (expected 0x72730236)"),
                new Broken("unknown command", "7273023655", "unknown delta command 0x55 at byte 4"),
                new Broken("copy beyond basis", "727302364505060000",
                        "copy of 6 bytes from offset 5 at byte 4 reaches beyond the basis of 10 bytes"),
                new Broken("copy offset beyond basis", "72730236490100010000",
                        "copy of 1 bytes from offset 256 at byte 4 reaches beyond the basis of 10 bytes"),
                new Broken("literal cut short", "72730236056162",
                        "delta is truncated: the literal of 5 bytes at byte 4 has only 2"),
                new Broken("copy length cut short", "727302364600",
                        "delta is truncated: it ends at byte 6 inside copy length of the command at byte 4"),
                new Broken("no END", "7273023603616263",
                        "delta is truncated: it ends at byte 8 without an END command"),
                new Broken("data after END", "727302360000", "delta has data after its END command at byte 4"),
                new Broken("literal length over 2^63", "7273023644ffffffffffffffff",
                        "literal length 18446744073709551615 of the command at byte 4 is out of range"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deltas")
    void patcher_rejects_malformed_delta(Broken delta) {
        assertThatThrownBy(() -> DeltaPatcher.apply(new InMemoryChannel(BASIS),
                new ByteArrayInputStream(HexFormat.of().parseHex(delta.hex())), new ByteArrayOutputStream()))
                .isInstanceOf(MalformedDeltaException.class)
                .hasMessage(delta.message());
    }

    @Test
    void patcher_applies_every_command_width() throws IOException {
        // literal "ab" immediate, literal "c" with 2-byte length, copy 8-byte offset 3 / 4-byte length 2, END
        byte[] delta = HexFormat.of().parseHex("72730236" + "026162" + "42000163" + "53" + "0000000000000003"
                + "00000002" + "00");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaPatcher.apply(new InMemoryChannel(BASIS), new ByteArrayInputStream(delta), out);
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("abcde");
    }

    static Stream<Broken> signatures() {
        return Stream.of(
                new Broken("empty", "", "signature is truncated: its 12-byte header is incomplete"),
                new Broken("delta magic", "727302360000010000000020",
                        "not a librsync signature: magic 0x72730236 (expected 0x72730136/37/46/47)"),
                new Broken("zero block length", "727301470000000000000020",
                        "signature block length 0 is out of range (expected 1..2147483647)"),
                new Broken("strong sum too long", "727301460000010000000020",
                        "signature strong sum length 32 is out of range (expected 1..16 for RABINKARP_MD4)"),
                new Broken("block cut short", "727301470000010000000004" + "1122334455667788" + "aabbcc",
                        "signature is truncated: block 1 has 3 of its 8 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signatures")
    void signature_loader_rejects_malformed_signature(Broken signature) {
        assertThatThrownBy(() -> Signature.read(new ByteArrayInputStream(HexFormat.of().parseHex(signature.hex()))))
                .isInstanceOf(MalformedSignatureException.class)
                .hasMessage(signature.message());
    }

    @Test
    void signature_loader_reads_parameters_and_counts_blocks() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SignatureParameters parameters = new SignatureParameters(SignatureKind.ROLLSUM_MD4, 4, 5);
        Signature.write(new ByteArrayInputStream(BASIS), parameters, out);

        Signature signature = Signature.read(new ByteArrayInputStream(out.toByteArray()));

        assertThat(signature.parameters()).isEqualTo(parameters);
        assertThat(signature.blockCount()).isEqualTo(3);
    }
}
