package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The published librsync 2.3.4 example: exact signature and delta bytes. */
class LibrsyncTestVectorTest {

    private static final byte[] BASIS = "abcdefghijklmnopqrstuvwxyzabcdefghijklmn".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW_FILE = ("XYZ" + new String(BASIS, StandardCharsets.US_ASCII) + "12345")
            .getBytes(StandardCharsets.US_ASCII);
    private static final SignatureParameters PARAMETERS =
            new SignatureParameters(SignatureKind.RABINKARP_BLAKE2, 16, 8);

    @Test
    void signature_matches_librsync_bytes() throws IOException {
        assertThat(hex(signature())).isEqualTo("72730147" + "00000010" + "00000008"
                + "e52b8fa9" + "b9cee80dd600741f" + "5d448935" + "a4fcf4e3ae8cf859" + "a89e7705" + "9b557f955c908306");
    }

    @Test
    void delta_matches_rdiff_bytes_with_merged_copy() throws IOException {
        assertThat(hex(delta())).isEqualTo("72730236" + "03" + "58595a" + "45" + "00" + "20"
                + "0d" + "6768696a6b6c6d6e3132333435" + "00");
    }

    @Test
    void patching_the_basis_with_the_delta_gives_the_new_file() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long length = DeltaPatcher.apply(new InMemoryChannel(BASIS), new ByteArrayInputStream(delta()), out);
        assertThat(out.toByteArray()).isEqualTo(NEW_FILE);
        assertThat(length).isEqualTo(NEW_FILE.length);
    }

    private static byte[] signature() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Signature.write(new ByteArrayInputStream(BASIS), PARAMETERS, out);
        return out.toByteArray();
    }

    private static byte[] delta() throws IOException {
        Signature signature = Signature.read(new ByteArrayInputStream(signature()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DeltaWriter(signature).write(new ByteArrayInputStream(NEW_FILE), out);
        return out.toByteArray();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
