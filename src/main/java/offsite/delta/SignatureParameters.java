package offsite.delta;

/**
 * How a signature is made: checksum kind, block length and strong-sum length (bytes kept of the strong digest).
 * {@link #rdiffDefaults(long)} mirrors librsync 2.3's rs_sig_args, so signatures equal plain {@code rdiff signature}.
 */
public record SignatureParameters(SignatureKind kind, int blockLength, int strongLength) {

    public SignatureParameters {
        if (kind == null) {
            throw new IllegalArgumentException("signature kind: null (expected one of the librsync magics)");
        }
        if (blockLength < 1) {
            throw new IllegalArgumentException("signature block length: " + blockLength + " (expected at least 1 byte)");
        }
        if (strongLength < 1 || strongLength > kind.maxStrongLength()) {
            throw new IllegalArgumentException("signature strong sum length: " + strongLength + " (expected 1.."
                    + kind.maxStrongLength() + " for " + kind + ")");
        }
    }

    /** What {@code rdiff signature} picks for a basis of {@code basisSize} bytes: RabinKarp + BLAKE2, full strong sum. */
    public static SignatureParameters rdiffDefaults(long basisSize) {
        return rdiffDefaults(basisSize, SignatureKind.RABINKARP_BLAKE2);
    }

    /** As {@code rdiff -H/-R signature}: rdiff's block length for the size, and the kind's full strong sum. */
    public static SignatureParameters rdiffDefaults(long basisSize, SignatureKind kind) {
        return new SignatureParameters(kind, recommendedBlockLength(basisSize), kind.maxStrongLength());
    }

    /** rdiff's block length: 256 up to 64 KiB, else the square root rounded down to a multiple of 128. */
    public static int recommendedBlockLength(long basisSize) {
        if (basisSize < 0) {
            throw new IllegalArgumentException("basis size: " + basisSize + " (expected a byte count of 0 or more)");
        }
        if (basisSize <= 256 * 256) {
            return 256;
        }
        long root = (long) Math.sqrt((double) basisSize);
        while (root * root > basisSize) {
            root--;
        }
        while ((root + 1) * (root + 1) <= basisSize) {
            root++;
        }
        return (int) Math.min(root & ~127L, Integer.MAX_VALUE & ~127L);
    }

    /** rdiff {@code -S -1}: the shortest strong sum librsync accepts without warning of likely collisions. */
    public static int minimumStrongLength(long basisSize, int blockLength) {
        return 2 + (floorLog2(basisSize + (1L << 24)) + floorLog2(basisSize / blockLength + 1) + 7) / 8;
    }

    private static int floorLog2(long value) {
        return 63 - Long.numberOfLeadingZeros(value);
    }
}
