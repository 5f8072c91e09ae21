package offsite.delta;

import org.bouncycastle.crypto.digests.MD4Digest;

/** A block's strong sum: MD4 or BLAKE2b-256 (not truncated BLAKE2b-512), of which a signature keeps a prefix. */
final class StrongSum {

    private final Blake2b256 blake2;
    private final MD4Digest md4;
    private final byte[] md4Sum;

    StrongSum(SignatureKind kind) {
        this.blake2 = kind.isBlake2() ? new Blake2b256() : null;
        this.md4 = kind.isBlake2() ? null : new MD4Digest();
        this.md4Sum = new byte[16];
    }

    /** The full digest of {@code buf[off, off+len)}, in an array that the next call overwrites. */
    byte[] of(byte[] buf, int off, int len) {
        if (blake2 != null) {
            return blake2.of(buf, off, len);
        }
        md4.update(buf, off, len);
        md4.doFinal(md4Sum, 0);
        return md4Sum;
    }
}
