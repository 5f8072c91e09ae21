package offsite.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Computes a signature a few MiB of basis at a time, the blocks of each read summed in parallel. */
final class SignatureEncoder {

    private static final int READ_SIZE = 4 << 20;
    /** Blocks are summed in parts of about this many bytes, so threads share the work evenly. */
    private static final int PART_SIZE = 256 << 10;

    private final SignatureParameters parameters;

    SignatureEncoder(SignatureParameters parameters) {
        this.parameters = parameters;
    }

    long write(InputStream basis, OutputStream out) throws IOException {
        int blockLength = parameters.blockLength();
        int entryLength = 4 + parameters.strongLength();
        int blocksPerRead = Math.max(1, READ_SIZE / blockLength);
        int blocksPerPart = Math.max(1, PART_SIZE / blockLength);
        byte[] data = new byte[blockLength * blocksPerRead];
        byte[] sums = new byte[Math.max(12, blocksPerRead * entryLength)];
        BlockSummer[] summers = new BlockSummer[(blocksPerRead + blocksPerPart - 1) / blocksPerPart];
        putInt(sums, 0, parameters.kind().magic());
        putInt(sums, 4, blockLength);
        putInt(sums, 8, parameters.strongLength());
        out.write(sums, 0, 12);
        long blocks = 0;
        int read;
        do {
            read = basis.readNBytes(data, 0, data.length);
            int length = read;
            int count = (read + blockLength - 1) / blockLength;
            ParallelParts.run((count + blocksPerPart - 1) / blocksPerPart, part -> {
                if (summers[part] == null) {
                    summers[part] = new BlockSummer(parameters);
                }
                int first = part * blocksPerPart;
                summers[part].sum(data, length, first, Math.min(count, first + blocksPerPart), sums);
            });
            out.write(sums, 0, count * entryLength);
            blocks += count;
        } while (read == data.length);
        out.flush();
        return blocks;
    }

    /** Sums blocks [first, end) of {@code data} into their signature entries in {@code sums}. */
    private static final class BlockSummer {
        private final RollingChecksum weak;
        private final StrongSum strong;
        private final int blockLength;
        private final int strongLength;

        BlockSummer(SignatureParameters parameters) {
            this.weak = parameters.kind().newRollingChecksum();
            this.strong = new StrongSum(parameters.kind());
            this.blockLength = parameters.blockLength();
            this.strongLength = parameters.strongLength();
        }

        void sum(byte[] data, int length, int first, int end, byte[] sums) {
            for (int block = first; block < end; block++) {
                int off = block * blockLength;
                int len = Math.min(blockLength, length - off);
                int at = block * (4 + strongLength);
                putInt(sums, at, weak.blockSum(data, off, len));
                System.arraycopy(strong.of(data, off, len), 0, sums, at + 4, strongLength);
            }
        }
    }

    static void putInt(byte[] buf, int at, int value) {
        buf[at] = (byte) (value >>> 24);
        buf[at + 1] = (byte) (value >>> 16);
        buf[at + 2] = (byte) (value >>> 8);
        buf[at + 3] = (byte) value;
    }
}
