package offsite.sync;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Reads through the shared bandwidth budget, digests what passes (so nothing is read twice to hash it)
 * and reports progress.
 */
public final class MeteredInputStream extends FilterInputStream {

    private final BandwidthLimiter limiter;
    private final MessageDigest digest;
    private final LongConsumer progress;
    private final Supplier<String> stop;

    public MeteredInputStream(InputStream in, BandwidthLimiter limiter, MessageDigest digest, LongConsumer progress) {
        this(in, limiter, digest, progress, () -> null);
    }

    /** stop: why reading must end now (a shutdown abandoning the bodies in flight), or null to go on. */
    public MeteredInputStream(InputStream in, BandwidthLimiter limiter, MessageDigest digest, LongConsumer progress, Supplier<String> stop) {
        super(in);
        this.limiter = limiter;
        this.digest = digest;
        this.progress = progress;
        this.stop = stop;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        stopIfAsked();
        // small slices keep the shared budget smooth between streams
        int n = super.read(b, off, Math.min(len, 64 * 1024));
        if (n > 0) {
            try {
                limiter.acquire(n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("upload interrupted");
            }
            stopIfAsked();
            if (digest != null) {
                digest.update(b, off, n);
            }
            progress.accept(n);
        }
        return n;
    }

    private void stopIfAsked() throws InterruptedIOException {
        String why = stop.get();
        if (why != null) {
            throw new InterruptedIOException("abandoned: " + why);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would bypass the digest");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
