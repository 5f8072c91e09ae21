package offsite.delta;

/**
 * Sums of the whole blocks that follow a match, computed ahead of the scan on several threads. While the new
 * file keeps matching block after block, the scan takes these instead of computing them one at a time; they
 * are the very sums it would compute, so the delta does not change. Only blocks whose weak sum is in the
 * signature get a strong sum.
 */
final class BlockLookahead {

    private static final int PART_SIZE = 128 << 10;

    private final BlockIndex index;
    private final SignatureParameters parameters;
    private final int blockLength;
    private final int blocksPerPart;
    private final int[] weak;
    private final boolean[] hasStrong;
    private final byte[] strong;
    private final Summer[] summers;
    private int base;
    private int count;

    /** Room for {@code capacity} blocks. */
    BlockLookahead(BlockIndex index, SignatureParameters parameters, int capacity) {
        this.index = index;
        this.parameters = parameters;
        this.blockLength = parameters.blockLength();
        this.blocksPerPart = Math.max(1, PART_SIZE / blockLength);
        this.weak = new int[capacity];
        this.hasStrong = new boolean[capacity];
        this.strong = new byte[capacity * parameters.strongLength()];
        this.summers = new Summer[(capacity + blocksPerPart - 1) / blocksPerPart];
    }

    int capacity() {
        return weak.length;
    }

    /** Sums the {@code blocks} whole blocks starting at {@code buf[from]}. */
    void compute(byte[] buf, int from, int blocks) {
        base = from;
        count = blocks;
        ParallelParts.run((blocks + blocksPerPart - 1) / blocksPerPart, part -> {
            if (summers[part] == null) {
                summers[part] = new Summer(parameters);
            }
            int first = part * blocksPerPart;
            summers[part].sum(buf, first, Math.min(blocks, first + blocksPerPart));
        });
    }

    /** Which computed block starts at {@code pos}, or -1. */
    int slotAt(int pos) {
        int distance = pos - base;
        if (distance < 0 || distance % blockLength != 0 || distance / blockLength >= count) {
            return -1;
        }
        return distance / blockLength;
    }

    boolean isLast(int slot) {
        return slot == count - 1;
    }

    /** The basis block that the block in {@code slot} matches, or -1. */
    int match(int slot) {
        return hasStrong[slot] ? index.find(weak[slot], strong, slot * parameters.strongLength()) : -1;
    }

    /** Forgets the blocks, for when the buffer under them moves. */
    void clear() {
        count = 0;
    }

    private final class Summer {
        private final RollingChecksum rolling;
        private final StrongSum strongSum;

        Summer(SignatureParameters parameters) {
            this.rolling = parameters.kind().newRollingChecksum();
            this.strongSum = new StrongSum(parameters.kind());
        }

        void sum(byte[] buf, int first, int end) {
            int strongLength = parameters.strongLength();
            for (int slot = first; slot < end; slot++) {
                int off = base + slot * blockLength;
                int sum = rolling.blockSum(buf, off, blockLength);
                weak[slot] = sum;
                hasStrong[slot] = index.containsWeak(sum);
                if (hasStrong[slot]) {
                    System.arraycopy(strongSum.of(buf, off, blockLength), 0, strong, slot * strongLength, strongLength);
                }
            }
        }
    }
}
