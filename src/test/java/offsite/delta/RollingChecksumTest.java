package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RollingChecksumTest {

    @ParameterizedTest
    @EnumSource(SignatureKind.class)
    void rotating_and_rolling_out_equal_summing_the_window_afresh(SignatureKind kind) {
        byte[] data = GeneratedPair.random(30, 5_000);
        int window = 301;
        RollingChecksum rolling = kind.newRollingChecksum();
        RollingChecksum fresh = kind.newRollingChecksum();
        rolling.update(data, 0, window);
        for (int start = 1; start + window <= data.length; start++) {
            rolling.rotate(data[start - 1] & 0xff, data[start + window - 1] & 0xff);
            assertThat(rolling.digest()).as("window at %d", start).isEqualTo(fresh.blockSum(data, start, window));
        }
        int start = data.length - window;
        for (int len = window; len > 1; len--, start++) {
            rolling.rollOut(data[start] & 0xff);
            assertThat(rolling.digest()).as("tail of %d bytes", len - 1)
                    .isEqualTo(fresh.blockSum(data, start + 1, len - 1));
        }
    }

    @ParameterizedTest
    @EnumSource(SignatureKind.class)
    void zero_blocks_of_different_lengths_have_different_sums(SignatureKind kind) {
        RollingChecksum sum = kind.newRollingChecksum();
        byte[] zeros = new byte[64];
        int[] sums = new int[64];
        for (int len = 1; len <= 64; len++) {
            sums[len - 1] = sum.blockSum(zeros, 0, len);
        }
        assertThat(Arrays.stream(sums).distinct().count()).isEqualTo(64);
    }

    @Test
    void twin_blocks_of_the_generated_pairs_share_their_rollsum() {
        RollingChecksum rollsum = SignatureKind.ROLLSUM_BLAKE2.newRollingChecksum();
        byte[] block = GeneratedPair.collidingBlock(false);
        byte[] twin = GeneratedPair.collidingBlock(true);
        assertThat(block).isNotEqualTo(twin);
        assertThat(rollsum.blockSum(twin, 0, twin.length)).isEqualTo(rollsum.blockSum(block, 0, block.length));
    }
}
