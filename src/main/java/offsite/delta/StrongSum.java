package offsite.delta;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.MD4Digest;

/** A block's strong sum: MD4 or BLAKE2b-256 (not truncated BLAKE2b-512), of which a signature keeps a prefix. */
final class StrongSum {

    private final Digest digest;
    private final byte[] full;

    StrongSum(SignatureKind kind) {
        this.digest = kind.isBlake2() ? new Blake2bDigest(256) : new MD4Digest();
        this.full = new byte[digest.getDigestSize()];
    }

    /** The full digest of {@code buf[off, off+len)}, in an array that the next call overwrites. */
    byte[] of(byte[] buf, int off, int len) {
        digest.update(buf, off, len);
        digest.doFinal(full, 0);
        return full;
    }
}
