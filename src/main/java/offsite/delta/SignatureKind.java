package offsite.delta;

import java.util.Optional;

/** The four librsync signature types: which rolling (weak) and which strong checksum a signature uses. */
public enum SignatureKind {
    ROLLSUM_MD4(0x72730136, false, 16),
    ROLLSUM_BLAKE2(0x72730137, false, 32),
    RABINKARP_MD4(0x72730146, true, 16),
    /** rdiff's default since librsync 2.2. */
    RABINKARP_BLAKE2(0x72730147, true, 32);

    private final int magic;
    private final boolean rabinKarp;
    private final int maxStrongLength;

    SignatureKind(int magic, boolean rabinKarp, int maxStrongLength) {
        this.magic = magic;
        this.rabinKarp = rabinKarp;
        this.maxStrongLength = maxStrongLength;
    }

    /** The big-endian u32 that starts a signature file of this kind. */
    public int magic() {
        return magic;
    }

    /** Full length of the strong digest: 16 for MD4, 32 for BLAKE2b-256. */
    public int maxStrongLength() {
        return maxStrongLength;
    }

    boolean isBlake2() {
        return maxStrongLength == 32;
    }

    /** A fresh rolling checksum of this kind, as used for block weak sums. */
    RollingChecksum newRollingChecksum() {
        return rabinKarp ? new RabinKarpChecksum() : new RollsumChecksum();
    }

    /** The kind whose magic is {@code magic}, or empty when no signature starts this way. */
    public static Optional<SignatureKind> ofMagic(int magic) {
        for (SignatureKind kind : values()) {
            if (kind.magic == magic) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
