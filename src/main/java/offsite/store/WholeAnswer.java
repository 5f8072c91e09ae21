package offsite.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An object's body that must be as long as the answer's Content-Length: ending short throws, naming the object. */
final class WholeAnswer extends FilterInputStream {

    private final String key;
    private final long offset;
    private final long length;
    private long read;

    WholeAnswer(InputStream in, String key, long offset, long length) {
        super(in);
        this.key = key;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        count(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        read += skipped;
        return skipped;
    }

    private void count(int n) throws IOException {
        if (n >= 0) {
            read += n;
        } else if (read < length) {
            throw new IOException("the download of " + key + " was cut short: the connection closed after " + (offset + read)
                    + " of " + (offset + length) + " bytes");
        }
    }
}
