package offsite.delta;

/**
 * librsync's weak checksum over a window of bytes, which can slide one byte at a time.
 * Two final implementations only, so the delta loop's calls stay inlinable (bimorphic) rather than virtual.
 */
abstract sealed class RollingChecksum permits RabinKarpChecksum, RollsumChecksum {

    /** Bytes currently in the window. */
    int count;

    /** Empties the window. */
    abstract void reset();

    /** Appends {@code len} bytes to the window. */
    abstract void update(byte[] buf, int off, int len);

    /** Slides the window one byte: {@code out} leaves at the front, {@code in} joins at the back. */
    abstract void rotate(int out, int in);

    /** Drops {@code out}, the window's first byte. */
    abstract void rollOut(int out);

    /** The 32-bit weak sum stored in signatures. */
    abstract int digest();

    /** The weak sum of a whole block, as written into a signature. */
    final int blockSum(byte[] buf, int off, int len) {
        reset();
        update(buf, off, len);
        return digest();
    }
}
