package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SignatureParametersTest {

    @TempDir
    Path dir;

    /** Sizes around rdiff's thresholds: 64 KiB, and square roots just below and above a multiple of 128. */
    static Stream<Long> basisSizes() {
        return Stream.of(0L, 1L, 65_536L, 65_537L, 100_000L, 1_000_000L, 16_777_216L, 16_777_215L, 20_000_000L);
    }

    @ParameterizedTest
    @MethodSource("basisSizes")
    void defaults_equal_the_header_rdiff_writes_for_a_basis_of_that_size(long size) throws Exception {
        Path basis = dir.resolve("basis");
        try (RandomAccessFile file = new RandomAccessFile(basis.toFile(), "rw")) {
            file.setLength(size); // sparse: rdiff only reads zeros
        }
        Rdiff.run(dir, List.of("signature", "basis", "default.sig"));
        Rdiff.run(dir, List.of("-H", "md4", "-S", "-1", "signature", "basis", "min.sig"));

        SignatureParameters defaults = SignatureParameters.rdiffDefaults(size);
        assertThat(header(dir.resolve("default.sig"))).isEqualTo(header(defaults));
        SignatureParameters minimum = new SignatureParameters(SignatureKind.RABINKARP_MD4, defaults.blockLength(),
                SignatureParameters.minimumStrongLength(size, defaults.blockLength()));
        assertThat(header(dir.resolve("min.sig"))).isEqualTo(header(minimum));
    }

    @Test
    void default_block_length_is_256_up_to_64_KiB_then_the_square_root_in_steps_of_128() {
        assertThat(SignatureParameters.recommendedBlockLength(65_536)).isEqualTo(256);
        assertThat(SignatureParameters.recommendedBlockLength(1_000_000)).isEqualTo(896);
        assertThat(SignatureParameters.recommendedBlockLength(400L << 20)).isEqualTo(20_480);
        assertThat(SignatureParameters.recommendedBlockLength(1L << 40)).isEqualTo(1 << 20);
    }

    @Test
    void rejects_strong_length_longer_than_the_digest() {
        assertThatThrownBy(() -> new SignatureParameters(SignatureKind.RABINKARP_MD4, 2048, 17))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("signature strong sum length: 17 (expected 1..16 for RABINKARP_MD4)");
    }

    @Test
    void rejects_block_length_below_one() {
        assertThatThrownBy(() -> new SignatureParameters(SignatureKind.RABINKARP_BLAKE2, 0, 32))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("signature block length: 0 (expected at least 1 byte)");
    }

    private static String header(Path signature) throws Exception {
        byte[] bytes = Files.readAllBytes(signature);
        return HexFormat.of().formatHex(bytes, 0, 12);
    }

    private static String header(SignatureParameters parameters) {
        return String.format("%08x%08x%08x", parameters.kind().magic(), parameters.blockLength(),
                parameters.strongLength());
    }
}
