package offsite.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Computes a signature block by block: reads about 1 MiB of basis at a time, whatever the basis size. */
final class SignatureEncoder {

    private static final int READ_SIZE = 1 << 20;

    private final SignatureParameters parameters;

    SignatureEncoder(SignatureParameters parameters) {
        this.parameters = parameters;
    }

    long write(InputStream basis, OutputStream out) throws IOException {
        int blockLength = parameters.blockLength();
        int strongLength = parameters.strongLength();
        int blocksPerRead = Math.max(1, READ_SIZE / blockLength);
        byte[] data = new byte[blockLength * blocksPerRead];
        byte[] sums = new byte[Math.max(12, blocksPerRead * (4 + strongLength))];
        RollingChecksum weak = parameters.kind().newRollingChecksum();
        StrongSum strong = new StrongSum(parameters.kind());
        putInt(sums, 0, parameters.kind().magic());
        putInt(sums, 4, blockLength);
        putInt(sums, 8, strongLength);
        out.write(sums, 0, 12);
        long blocks = 0;
        int read;
        do {
            read = basis.readNBytes(data, 0, data.length);
            int at = 0;
            for (int off = 0; off < read; off += blockLength) {
                int len = Math.min(blockLength, read - off);
                putInt(sums, at, weak.blockSum(data, off, len));
                System.arraycopy(strong.of(data, off, len), 0, sums, at + 4, strongLength);
                at += 4 + strongLength;
                blocks++;
            }
            out.write(sums, 0, at);
        } while (read == data.length);
        out.flush();
        return blocks;
    }

    static void putInt(byte[] buf, int at, int value) {
        buf[at] = (byte) (value >>> 24);
        buf[at + 1] = (byte) (value >>> 16);
        buf[at + 2] = (byte) (value >>> 8);
        buf[at + 3] = (byte) value;
    }
}
