package offsite.delta;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Applies a librsync delta to a basis, as {@code rdiff patch} does. Checks every command before acting on it and
 * fails with {@link MalformedDeltaException} naming the problem and its byte offset in the delta.
 */
public final class DeltaPatcher {

    private static final int CHUNK = 1 << 20;

    private DeltaPatcher() {
    }

    /** Applies {@code delta} to the basis file; writes the new file to {@code out} (flushed, not closed). */
    public static long apply(Path basis, InputStream delta, OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(basis, StandardOpenOption.READ)) {
            return apply(channel, delta, out);
        }
    }

    /** Writes the new file to {@code out} (flushed, not closed); returns its length. */
    public static long apply(SeekableByteChannel basis, InputStream delta, OutputStream out) throws IOException {
        return new Run(basis, new BufferedInputStream(delta, 1 << 16), out).run();
    }

    private static final class Run {

        private final SeekableByteChannel basis;
        private final long basisSize;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] chunk = new byte[CHUNK];
        private long offset;
        private long written;

        Run(SeekableByteChannel basis, InputStream in, OutputStream out) throws IOException {
            this.basis = basis;
            this.basisSize = basis.size();
            this.in = in;
            this.out = out;
        }

        long run() throws IOException {
            int magic = (int) readNumber(4, "the delta magic");
            if (magic != DeltaCommandWriter.DELTA_MAGIC) {
                throw new MalformedDeltaException(String.format(
                        "not a librsync delta: magic 0x%08x (expected 0x%08x)", magic, DeltaCommandWriter.DELTA_MAGIC));
            }
            while (true) {
                long at = offset;
                int op = in.read();
                if (op < 0) {
                    throw new MalformedDeltaException("delta is truncated: it ends at byte " + at + " without an END command");
                }
                offset++;
                if (op == DeltaCommandWriter.OP_END) {
                    break;
                } else if (op <= DeltaCommandWriter.MAX_IMMEDIATE_LITERAL) {
                    literal(op, at);
                } else if (op < DeltaCommandWriter.OP_COPY_N1_N1) {
                    literal(readLength(1 << (op - DeltaCommandWriter.OP_LITERAL_N1), "literal length", at), at);
                } else if (op < DeltaCommandWriter.OP_COPY_N1_N1 + 16) {
                    int widths = op - DeltaCommandWriter.OP_COPY_N1_N1;
                    long from = readLength(1 << (widths / 4), "copy offset", at);
                    copy(from, readLength(1 << (widths % 4), "copy length", at), at);
                } else {
                    throw new MalformedDeltaException(String.format("unknown delta command 0x%02x at byte %d", op, at));
                }
            }
            if (in.read() >= 0) {
                throw new MalformedDeltaException("delta has data after its END command at byte " + (offset - 1));
            }
            out.flush();
            return written;
        }

        private void literal(long length, long at) throws IOException {
            for (long left = length; left > 0; ) {
                int n = in.readNBytes(chunk, 0, (int) Math.min(left, chunk.length));
                if (n == 0) {
                    throw new MalformedDeltaException("delta is truncated: the literal of " + length + " bytes at byte "
                            + at + " has only " + (length - left));
                }
                out.write(chunk, 0, n);
                left -= n;
                offset += n;
                written += n;
            }
        }

        private void copy(long from, long length, long at) throws IOException {
            if (from > basisSize || length > basisSize - from) {
                throw new MalformedDeltaException("copy of " + length + " bytes from offset " + from + " at byte " + at
                        + " reaches beyond the basis of " + basisSize + " bytes");
            }
            basis.position(from);
            for (long left = length; left > 0; ) {
                ByteBuffer target = ByteBuffer.wrap(chunk, 0, (int) Math.min(left, chunk.length));
                while (target.hasRemaining()) {
                    if (basis.read(target) < 0) {
                        throw new IOException("basis ended at " + (from + length - left + target.position())
                                + " bytes although it reported " + basisSize);
                    }
                }
                out.write(chunk, 0, target.position());
                left -= target.position();
                written += target.position();
            }
        }

        /** A big-endian unsigned number that must fit a signed long: lengths and offsets beyond 2^63 are corrupt. */
        private long readLength(int width, String what, long at) throws IOException {
            long value = readNumber(width, what + " of the command at byte " + at);
            if (value < 0) {
                throw new MalformedDeltaException(what + " " + Long.toUnsignedString(value) + " of the command at byte "
                        + at + " is out of range");
            }
            return value;
        }

        private long readNumber(int width, String what) throws IOException {
            long value = 0;
            for (int i = 0; i < width; i++) {
                int b = in.read();
                if (b < 0) {
                    throw new MalformedDeltaException("delta is truncated: it ends at byte " + offset + " inside " + what);
                }
                value = (value << 8) | b;
                offset++;
            }
            return value;
        }
    }
}
