package offsite.delta;

import java.util.Arrays;

/**
 * Finds a basis block by weak sum, then strong sum: an open-addressing table of (weak sum, block number) in
 * one long per slot, behind a filter of 16 bits per block that turns away most absent weak sums with one bit
 * test (the delta asks once per byte where nothing matches). Like librsync, equal blocks keep the first one.
 */
final class BlockIndex {

    private static final int GOLDEN = 0x9E3779B9;

    private final long[] filter;
    private final int filterShift;
    private final long[] slots;
    private final int shift;
    private final byte[] strongSums;
    private final int strongLength;

    /** Indexes blocks [0, count): {@code weakSums[i]}, and {@code strongSums} from byte i * strongLength. */
    BlockIndex(int[] weakSums, int count, byte[] strongSums, int strongLength) {
        int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, count + count / 3)));
        int filterBits = Math.min(31, Math.max(6, bits + 4));
        this.slots = new long[1 << bits];
        this.shift = 32 - bits;
        this.filter = new long[1 << (filterBits - 6)];
        this.filterShift = 32 - filterBits;
        this.strongSums = strongSums;
        this.strongLength = strongLength;
        for (int block = 0; block < count; block++) {
            add(weakSums[block], block);
        }
    }

    private void add(int weak, int block) {
        int bit = (weak * GOLDEN) >>> filterShift;
        filter[bit >>> 6] |= 1L << bit;
        int mask = slots.length - 1;
        for (int slot = (weak * GOLDEN) >>> shift; ; slot = (slot + 1) & mask) {
            long entry = slots[slot];
            if (entry == 0) {
                slots[slot] = ((long) weak << 32) | (block + 1L);
                return;
            }
            if ((int) (entry >>> 32) == weak && sameStrong((int) entry - 1, strongSums, block * strongLength)) {
                return;
            }
        }
    }

    /** True when some block has weak sum {@code weak}. */
    boolean containsWeak(int weak) {
        if (filteredOut(weak)) {
            return false;
        }
        int mask = slots.length - 1;
        for (int slot = (weak * GOLDEN) >>> shift; ; slot = (slot + 1) & mask) {
            long entry = slots[slot];
            if (entry == 0) {
                return false;
            }
            if ((int) (entry >>> 32) == weak) {
                return true;
            }
        }
    }

    /** Number of the first block whose weak sum is {@code weak} and strong sum that of the bytes, or -1. */
    int find(int weak, byte[] buf, int off, int len, StrongSum strong) {
        return filteredOut(weak) ? -1 : probe(weak, null, 0, buf, off, len, strong);
    }

    /** As {@link #find} with the strong sum already computed: {@code sum[at...]}. */
    int find(int weak, byte[] sum, int at) {
        return probe(weak, sum, at, null, 0, 0, null);
    }

    private boolean filteredOut(int weak) {
        int bit = (weak * GOLDEN) >>> filterShift;
        return (filter[bit >>> 6] & (1L << bit)) == 0;
    }

    /** Walks the slots from {@code weak}'s; the strong sum is computed when first needed if {@code sum} is null. */
    private int probe(int weak, byte[] sum, int at, byte[] buf, int off, int len, StrongSum strong) {
        int mask = slots.length - 1;
        for (int slot = (weak * GOLDEN) >>> shift; slots[slot] != 0; slot = (slot + 1) & mask) {
            long entry = slots[slot];
            if ((int) (entry >>> 32) == weak) {
                if (sum == null) {
                    sum = strong.of(buf, off, len);
                    at = 0;
                }
                int block = (int) entry - 1;
                if (sameStrong(block, sum, at)) {
                    return block;
                }
            }
        }
        return -1;
    }

    private boolean sameStrong(int block, byte[] sum, int at) {
        int from = block * strongLength;
        return Arrays.equals(strongSums, from, from + strongLength, sum, at, at + strongLength);
    }
}
