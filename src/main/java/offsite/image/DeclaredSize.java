package offsite.image;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Holds a download to the sizes its manifest declares: the stored bytes, and what they decompress to. An object
 * past either is damaged, and the stream stops there, so a replaced object or a decompression bomb never fills the
 * disk before its SHA-256 can be checked.
 */
final class DeclaredSize {

    /** More bytes than the manifest declares; the message says which size and how big it is. */
    static final class Exceeded extends IOException {
        Exceeded(String message) {
            super(message);
        }
    }

    private DeclaredSize() {
    }

    /** The stored bytes: reading a byte past size throws Exceeded. */
    static InputStream stored(InputStream in, long size) {
        return new FilterInputStream(in) {
            private long left = size;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                // asks for one byte past the size, so that an object holding more is told, not cut short
                int n = super.read(b, off, left < len ? (int) left + 1 : len);
                if (n > 0 && (left -= n) < 0) {
                    throw new Exceeded("it holds more than the " + size + " bytes its manifest declares");
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                return Math.max(0, read(new byte[(int) Math.min(n, 8192)]));
            }
        };
    }

    /** The decompressed content: writing a byte past size throws Exceeded, before that byte reaches the disk. */
    static OutputStream content(OutputStream out, long size) {
        return new FilterOutputStream(out) {
            private long left = size;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > left) {
                    throw new Exceeded("it expands past the " + size + " bytes its manifest declares");
                }
                left -= len;
                out.write(b, off, len);
            }
        };
    }
}
