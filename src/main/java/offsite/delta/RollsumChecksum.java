package offsite.delta;

/** librsync's original rsync-style sum (rollsum.h): two running sums of (byte + 31), kept mod 2^16. */
final class RollsumChecksum extends RollingChecksum {

    private static final int CHAR_OFFSET = 31;

    private int s1;
    private int s2;

    @Override
    void reset() {
        count = 0;
        s1 = 0;
        s2 = 0;
    }

    @Override
    void update(byte[] buf, int off, int len) {
        int a = s1;
        int b = s2;
        for (int i = off, end = off + len; i < end; i++) {
            a += (buf[i] & 0xff) + CHAR_OFFSET;
            b += a;
        }
        s1 = a;
        s2 = b;
        count += len;
    }

    @Override
    void rotate(int out, int in) {
        s1 += in - out;
        s2 += s1 - count * (out + CHAR_OFFSET);
    }

    @Override
    void rollOut(int out) {
        s1 -= out + CHAR_OFFSET;
        s2 -= count * (out + CHAR_OFFSET);
        count--;
    }

    @Override
    int digest() {
        return (s2 << 16) | (s1 & 0xffff);
    }
}
