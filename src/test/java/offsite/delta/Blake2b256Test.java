package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Blake2b256Test {

    /** Every length around the 128-byte block boundary, and typical block lengths. */
    static IntStream lengths() {
        return IntStream.concat(IntStream.rangeClosed(0, 300), IntStream.of(1024, 20_480, 65_536, 100_001));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void digest_equals_bouncy_castle_blake2b_256(int length) {
        byte[] data = GeneratedPair.random(length, length + 5);
        Blake2bDigest reference = new Blake2bDigest(256);
        reference.update(data, 5, length);
        byte[] expected = new byte[32];
        reference.doFinal(expected, 0);

        assertThat(new Blake2b256().of(data, 5, length)).isEqualTo(expected);
    }
}
