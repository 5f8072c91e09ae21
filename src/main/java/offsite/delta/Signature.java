package offsite.delta;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A librsync signature: writes one for a basis stream, and loads one into a block index for {@link DeltaWriter}.
 * The index holds the weak and strong sums only (about 12 + strong length bytes per block), never basis data.
 */
public final class Signature {

    /** Most blocks a loaded signature may have: keeps the strong-sum array and the index within Java's limits. */
    private static final int MAX_BLOCKS = 1 << 25;

    private final SignatureParameters parameters;
    private final int blockCount;
    private final BlockIndex index;

    private Signature(SignatureParameters parameters, int blockCount, BlockIndex index) {
        this.parameters = parameters;
        this.blockCount = blockCount;
        this.index = index;
    }

    public SignatureParameters parameters() {
        return parameters;
    }

    public int blockCount() {
        return blockCount;
    }

    BlockIndex index() {
        return index;
    }

    /** Writes the signature of {@code basis} (read to its end) to {@code out}; returns the number of blocks. */
    public static long write(InputStream basis, SignatureParameters parameters, OutputStream out) throws IOException {
        return new SignatureEncoder(parameters).write(basis, out);
    }

    /** Loads a signature written by {@link #write} or {@code rdiff signature}. */
    public static Signature read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        SignatureParameters parameters = readHeader(data);
        int strongLength = parameters.strongLength();
        int[] weak = new int[1024];
        byte[] strong = new byte[1024 * strongLength];
        byte[] entry = new byte[4 + strongLength];
        int count = 0;
        for (int got; (got = data.readNBytes(entry, 0, entry.length)) > 0; count++) {
            if (got < entry.length) {
                throw new MalformedSignatureException("signature is truncated: block " + count + " has " + got
                        + " of its " + entry.length + " bytes");
            }
            if (count == MAX_BLOCKS) {
                throw new MalformedSignatureException("signature has more than " + MAX_BLOCKS
                        + " blocks: make it with a larger block length");
            }
            if (count == weak.length) {
                int capacity = Math.min(MAX_BLOCKS, count * 2);
                weak = Arrays.copyOf(weak, capacity);
                strong = Arrays.copyOf(strong, capacity * strongLength);
            }
            weak[count] = ((entry[0] & 0xff) << 24) | ((entry[1] & 0xff) << 16) | ((entry[2] & 0xff) << 8) | (entry[3] & 0xff);
            System.arraycopy(entry, 4, strong, count * strongLength, strongLength);
        }
        strong = Arrays.copyOf(strong, count * strongLength);
        return new Signature(parameters, count, new BlockIndex(weak, count, strong, strongLength));
    }

    private static SignatureParameters readHeader(DataInputStream data) throws IOException {
        int magic;
        int blockLength;
        int strongLength;
        try {
            magic = data.readInt();
            blockLength = data.readInt();
            strongLength = data.readInt();
        } catch (EOFException e) {
            throw new MalformedSignatureException("signature is truncated: its 12-byte header is incomplete");
        }
        SignatureKind kind = SignatureKind.ofMagic(magic).orElseThrow(() -> new MalformedSignatureException(
                String.format("not a librsync signature: magic 0x%08x (expected 0x72730136/37/46/47)", magic)));
        if (blockLength < 1) {
            throw new MalformedSignatureException("signature block length " + Integer.toUnsignedString(blockLength)
                    + " is out of range (expected 1.." + Integer.MAX_VALUE + ")");
        }
        if (strongLength < 1 || strongLength > kind.maxStrongLength()) {
            throw new MalformedSignatureException("signature strong sum length " + Integer.toUnsignedString(strongLength)
                    + " is out of range (expected 1.." + kind.maxStrongLength() + " for " + kind + ")");
        }
        return new SignatureParameters(kind, blockLength, strongLength);
    }
}
