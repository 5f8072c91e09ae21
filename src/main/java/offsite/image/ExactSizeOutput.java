package offsite.image;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes on exactly the size a tar header announced, for content made on the fly (a scrubbed file read a second
 * time): bytes past the size are dropped, and finish() pads a short content with zero bytes.
 */
final class ExactSizeOutput extends OutputStream {

    private final OutputStream target;
    private long left;
    private boolean overflow;

    ExactSizeOutput(OutputStream target, long size) {
        this.target = target;
        this.left = size;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int n = (int) Math.min(len, left);
        target.write(b, off, n);
        left -= n;
        overflow |= n < len;
    }

    /** Pads to the size; true when the content was not exactly the size. Does not close the target. */
    boolean finish() throws IOException {
        boolean changed = overflow || left > 0;
        byte[] zeros = new byte[(int) Math.min(left, 1 << 16)];
        for (; left > 0; left -= Math.min(zeros.length, left)) {
            target.write(zeros, 0, (int) Math.min(zeros.length, left));
        }
        return changed;
    }
}
