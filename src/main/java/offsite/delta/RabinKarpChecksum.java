package offsite.delta;

/** librsync's RabinKarp sum (rabinkarp.h): hash = hash * 0x08104225 + byte, seeded with 1, all mod 2^32. */
final class RabinKarpChecksum extends RollingChecksum {

    private static final int MULT = 0x08104225;
    private static final int MULT2 = MULT * MULT;
    private static final int MULT3 = MULT2 * MULT;
    private static final int MULT4 = MULT3 * MULT;
    /** Inverse of MULT mod 2^32. */
    private static final int INVERSE = 0x98f009ad;
    /** (MULT - 1) * seed: removes the seed's contribution carried by a byte rolled out. */
    private static final int ADJUST = 0x08104224;

    private int hash = 1;
    /** MULT^count. */
    private int mult = 1;

    @Override
    void reset() {
        count = 0;
        hash = 1;
        mult = 1;
    }

    @Override
    void update(byte[] buf, int off, int len) {
        int h = hash;
        int i = off;
        int end = off + len;
        // four bytes per step keep the multiply chain short: h*M^4 + b0*M^3 + b1*M^2 + b2*M + b3
        for (; i + 4 <= end; i += 4) {
            h = h * MULT4 + (buf[i] & 0xff) * MULT3 + (buf[i + 1] & 0xff) * MULT2
                    + (buf[i + 2] & 0xff) * MULT + (buf[i + 3] & 0xff);
        }
        for (; i < end; i++) {
            h = h * MULT + (buf[i] & 0xff);
        }
        hash = h;
        count += len;
        mult *= power(len);
    }

    @Override
    void rotate(int out, int in) {
        hash = hash * MULT + in - mult * (out + ADJUST);
    }

    @Override
    void rollOut(int out) {
        count--;
        mult *= INVERSE;
        hash -= mult * (out + ADJUST);
    }

    @Override
    int digest() {
        return hash;
    }

    private static int power(int exponent) {
        int result = 1;
        int base = MULT;
        for (int e = exponent; e != 0; e >>>= 1) {
            if ((e & 1) != 0) {
                result *= base;
            }
            base *= base;
        }
        return result;
    }
}
