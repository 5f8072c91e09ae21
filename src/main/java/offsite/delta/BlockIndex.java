package offsite.delta;

import java.util.Arrays;

/**
 * Finds a basis block by weak sum, then strong sum: an open-addressing table of (weak sum, block number) in
 * one long per slot, so a miss costs one array read. Like librsync, equal blocks keep only the first one.
 */
final class BlockIndex {

    private final long[] slots;
    private final int shift;
    private final byte[] strongSums;
    private final int strongLength;

    /** {@code strongSums} holds {@code weakSums.length} sums of {@code strongLength} bytes, block by block. */
    BlockIndex(int[] weakSums, int count, byte[] strongSums, int strongLength) {
        int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, count + count / 3)));
        this.slots = new long[1 << bits];
        this.shift = 32 - bits;
        this.strongSums = strongSums;
        this.strongLength = strongLength;
        for (int block = 0; block < count; block++) {
            add(weakSums[block], block);
        }
    }

    private void add(int weak, int block) {
        int mask = slots.length - 1;
        for (int slot = slotOf(weak); ; slot = (slot + 1) & mask) {
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
        int mask = slots.length - 1;
        for (int slot = slotOf(weak); ; slot = (slot + 1) & mask) {
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
        int slot = slotOf(weak);
        if (slots[slot] == 0) {
            return -1;
        }
        return probe(weak, slot, null, 0, buf, off, len, strong);
    }

    /** As {@link #find} with the strong sum already computed: {@code sum[at...]}. */
    int find(int weak, byte[] sum, int at) {
        return probe(weak, slotOf(weak), sum, at, null, 0, 0, null);
    }

    /** Walks the slots from {@code weak}'s; the strong sum is computed when first needed if {@code sum} is null. */
    private int probe(int weak, int slot, byte[] sum, int at, byte[] buf, int off, int len, StrongSum strong) {
        int mask = slots.length - 1;
        for (long entry; (entry = slots[slot]) != 0; slot = (slot + 1) & mask) {
            if ((int) (entry >>> 32) == weak) {
                if (sum == null) {
                    sum = strong.of(buf, off, len);
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

    private int slotOf(int weak) {
        return (weak * 0x9E3779B9) >>> shift;
    }
}
