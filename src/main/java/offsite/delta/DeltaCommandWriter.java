package offsite.delta;

import java.io.IOException;
import java.io.OutputStream;

/** Encodes librsync delta commands (doc/formats.md) with the shortest integer widths, as rdiff does. */
final class DeltaCommandWriter {

    static final int DELTA_MAGIC = 0x72730236;
    static final int OP_END = 0x00;
    static final int MAX_IMMEDIATE_LITERAL = 0x40;
    static final int OP_LITERAL_N1 = 0x41;
    static final int OP_COPY_N1_N1 = 0x45;

    private final OutputStream out;
    private final byte[] head = new byte[17];

    /** Writes the delta magic at once. */
    DeltaCommandWriter(OutputStream out) throws IOException {
        this.out = out;
        SignatureEncoder.putInt(head, 0, DELTA_MAGIC);
        out.write(head, 0, 4);
    }

    void literal(byte[] buf, int off, int len) throws IOException {
        if (len <= MAX_IMMEDIATE_LITERAL) {
            out.write(len);
        } else {
            int width = widthIndex(len);
            head[0] = (byte) (OP_LITERAL_N1 + width);
            int at = put(head, 1, len, width);
            out.write(head, 0, at);
        }
        out.write(buf, off, len);
    }

    void copy(long offset, long length) throws IOException {
        int offsetWidth = widthIndex(offset);
        int lengthWidth = widthIndex(length);
        head[0] = (byte) (OP_COPY_N1_N1 + 4 * offsetWidth + lengthWidth);
        int at = put(head, 1, offset, offsetWidth);
        at = put(head, at, length, lengthWidth);
        out.write(head, 0, at);
    }

    /** Writes END and flushes. */
    void end() throws IOException {
        out.write(OP_END);
        out.flush();
    }

    /** 0, 1, 2, 3 for values needing 1, 2, 4, 8 bytes. */
    static int widthIndex(long value) {
        if ((value & ~0xffL) == 0) {
            return 0;
        }
        if ((value & ~0xffffL) == 0) {
            return 1;
        }
        return (value & ~0xffffffffL) == 0 ? 2 : 3;
    }

    private static int put(byte[] buf, int at, long value, int widthIndex) {
        int bytes = 1 << widthIndex;
        for (int i = bytes - 1; i >= 0; i--) {
            buf[at + i] = (byte) value;
            value >>>= 8;
        }
        return at + bytes;
    }
}
