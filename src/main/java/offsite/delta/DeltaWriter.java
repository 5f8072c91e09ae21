package offsite.delta;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes the librsync delta that turns the signature's basis into a new file, streaming the new file through an
 * 8 MiB window (larger only for blocks over 4 MiB). Scanning, matching and coalescing follow librsync 2.3's delta.c step by step,
 * so the delta of a whole file equals {@code rdiff delta}'s byte for byte (smaller when the basis is empty). A
 * {@link Session} builds a delta piece by piece instead: ranges the caller knows to equal the basis become copy
 * commands without being read, and only the bytes between them are matched against the signature.
 */
public final class DeltaWriter {

    /** librsync flushes a literal run at 32 KiB ("for 0.01% 3 command bytes overhead"). */
    static final int MAX_MISS = 32768;
    private static final int MIN_WINDOW = 8 << 20;
    /** Most bytes, and blocks, summed ahead of the scan at once. */
    private static final int MAX_LOOKAHEAD = 2 << 20;
    private static final int MAX_LOOKAHEAD_BLOCKS = 4096;

    private final Signature signature;

    public DeltaWriter(Signature signature) {
        this.signature = signature;
    }

    /** Reads {@code newFile} to its end and writes the delta to {@code delta}, which is flushed, not closed. */
    public void write(InputStream newFile, OutputStream delta) throws IOException {
        DeltaCommandWriter commands = new DeltaCommandWriter(new BufferedOutputStream(delta, 1 << 16));
        if (signature.blockCount() == 0) {
            writeLiteralsOnly(newFile, commands);
        } else {
            Scan scan = new Scan(signature, commands);
            scan.readAll(newFile);
            scan.endRun();
            scan.flush();
        }
        commands.end();
    }

    /** Starts a delta built piece by piece into {@code delta} (flushed by {@link Session#finish}, not closed). */
    public Session open(OutputStream delta) throws IOException {
        return new Session(new Scan(signature, new DeltaCommandWriter(new BufferedOutputStream(delta, 1 << 16))));
    }

    /**
     * A delta made of the new file's pieces in order: {@link #data()} takes bytes to match against the signature,
     * {@link #copy} a range of the basis that the caller knows the new file holds next. Copies that continue each
     * other, or a match just before, become one command. Matching restarts after each copy, so a block is only
     * found within one run of data.
     */
    public static final class Session {

        private final Scan scan;
        private final OutputStream data;

        private Session(Scan scan) {
            this.scan = scan;
            this.data = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    scan.write(b, off, len);
                }
            };
        }

        /** Where the bytes to match go. */
        public OutputStream data() {
            return data;
        }

        /** The next {@code length} bytes of the new file are the basis's from {@code basisOffset}. */
        public void copy(long basisOffset, long length) throws IOException {
            scan.endRun();
            scan.copy(basisOffset, length);
        }

        /** Ends the delta: what is pending, then END; the output is flushed. */
        public void finish() throws IOException {
            scan.endRun();
            scan.flush();
            scan.commands.end();
        }
    }

    /** With no basis blocks the delta is the new file as literals (librsync's "slack" delta). */
    private static void writeLiteralsOnly(InputStream newFile, DeltaCommandWriter commands) throws IOException {
        byte[] buf = new byte[MAX_MISS];
        for (int n; (n = newFile.readNBytes(buf, 0, buf.length)) > 0; ) {
            commands.literal(buf, 0, n);
        }
    }

    /**
     * The scan over one run of new data at a time, fed through {@link #write} or {@link #readAll}. buf[pending, pos)
     * is a miss not yet written; the weak sum covers buf[pos, pos + weak.count); after a match pending == pos and
     * the match grows in basisPos/basisLength, which outlives the run so that a following copy can extend it.
     */
    private static final class Scan {

        final DeltaCommandWriter commands;
        private final BlockIndex index;
        private final StrongSum strong;
        private final RollingChecksum weak;
        private final int blockLength;
        private final byte[] buf;
        private final BlockLookahead lookahead;
        /** Blocks to sum ahead next time: doubles while blocks keep matching, back to 2 at a miss. */
        private int batch = 2;
        private int pending;
        private int pos;
        private int end;
        private long basisPos;
        private long basisLength;

        Scan(Signature signature, DeltaCommandWriter commands) {
            this.commands = commands;
            this.index = signature.index();
            this.strong = new StrongSum(signature.parameters().kind());
            this.weak = signature.parameters().kind().newRollingChecksum();
            this.blockLength = signature.parameters().blockLength();
            long window = Math.max(MIN_WINDOW, MAX_MISS + 2L * blockLength + 1);
            if (window > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("signature block length: " + blockLength
                        + " is too large for the delta window (expected at most about 1 GiB)");
            }
            this.buf = new byte[(int) window];
            this.lookahead = new BlockLookahead(index, signature.parameters(),
                    Math.max(2, Math.min(MAX_LOOKAHEAD_BLOCKS, MAX_LOOKAHEAD / blockLength)));
        }

        /** Reads the stream to its end straight into the window, scanning as it fills. */
        void readAll(InputStream in) throws IOException {
            while (true) {
                if (end == buf.length) {
                    compact();
                }
                int wanted = buf.length - end;
                int n = in.readNBytes(buf, end, wanted);
                end += n;
                scanFullBlocks();
                if (n < wanted) {
                    return;
                }
            }
        }

        /** Appends bytes of the run and scans what they allow. */
        void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (end == buf.length) {
                    compact();
                }
                int n = Math.min(len, buf.length - end);
                System.arraycopy(b, off, buf, end, n);
                end += n;
                off += n;
                len -= n;
                scanFullBlocks();
            }
        }

        /** The run ends: its last block or less is scanned and its miss written; a match stays open. */
        void endRun() throws IOException {
            scanTail();
            if (pos > pending) {
                commands.literal(buf, pending, pos - pending);
            }
            pos = 0;
            end = 0;
            pending = 0;
            weak.reset();
            lookahead.clear();
            batch = 2;
        }

        /** A copy after a run: it extends the open match when it continues it. */
        void copy(long from, long length) throws IOException {
            if (length == 0) {
                return;
            }
            if (basisLength > 0 && basisPos + basisLength == from) {
                basisLength += length;
            } else {
                flush();
                basisPos = from;
                basisLength = length;
            }
        }

        /**
         * librsync's scan state: while more than a block is left, match a block or slide one byte. A block that
         * starts right after a match takes its sums from the lookahead.
         */
        private void scanFullBlocks() throws IOException {
            final int bl = blockLength;
            final byte[] b = buf;
            while (pos + bl < end) {
                int block;
                if (weak.count == 0) {
                    block = matchAhead();
                    if (block < 0) {
                        weak.update(b, pos, bl);
                    }
                } else {
                    block = index.find(weak.digest(), b, pos, bl, strong);
                }
                if (block >= 0) {
                    appendMatch((long) block * bl, bl);
                    weak.reset();
                } else {
                    weak.rotate(b[pos] & 0xff, b[pos + bl] & 0xff);
                    appendMiss();
                }
            }
        }

        /** The block matching the whole block at pos, taken from (or first put into) the lookahead, or -1. */
        private int matchAhead() {
            int slot = lookahead.slotAt(pos);
            if (slot < 0) {
                int blocks = Math.min(batch, (end - 1 - pos) / blockLength);
                lookahead.compute(buf, pos, blocks);
                slot = 0;
            }
            int block = lookahead.match(slot);
            if (block < 0) {
                batch = 2;
            } else if (lookahead.isLast(slot)) {
                batch = Math.min(batch * 2, lookahead.capacity());
            }
            return block;
        }

        /** librsync's flush state: at most a block is left; the window shrinks from the front until a match. */
        private void scanTail() throws IOException {
            while (pos < end) {
                if (weak.count == 0) {
                    weak.update(buf, pos, Math.min(blockLength, end - pos));
                }
                int len = weak.count;
                int block = index.find(weak.digest(), buf, pos, len, strong);
                if (block >= 0) {
                    appendMatch((long) block * blockLength, len);
                    weak.reset();
                } else {
                    weak.rollOut(buf[pos] & 0xff);
                    appendMiss();
                }
            }
        }

        private void appendMatch(long matchPos, int matchLength) throws IOException {
            if (basisLength > 0 && basisPos + basisLength == matchPos) {
                basisLength += matchLength;
            } else {
                flush();
                basisPos = matchPos;
                basisLength = matchLength;
            }
            pos += matchLength;
            pending = pos;
        }

        private void appendMiss() throws IOException {
            if (basisLength > 0 || pos - pending >= MAX_MISS) {
                flush();
            }
            pos++;
        }

        /** Writes the match or miss accumulated so far. */
        void flush() throws IOException {
            if (basisLength > 0) {
                commands.copy(basisPos, basisLength);
                basisLength = 0;
            } else if (pos > pending) {
                commands.literal(buf, pending, pos - pending);
            }
            pending = pos;
        }

        /** Moves the unwritten bytes to the front of the full window, making room for more. */
        private void compact() {
            lookahead.clear();
            if (pending > 0) {
                System.arraycopy(buf, pending, buf, 0, end - pending);
                pos -= pending;
                end -= pending;
                pending = 0;
            }
        }
    }
}
