package offsite.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import offsite.config.SettingError;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;

/**
 * offsite.image.signing-key: the OpenPGP key that signs each image manifest, unlocked once at start with
 * offsite.image.signing-passphrase (the passphrase is not kept). Signs with the newest usable signing key of the
 * file's one key (a signing subkey, else the primary), SHA-256, as a detached binary-document signature that stock
 * `gpg --verify manifest.json.asc manifest.json` checks. No message ever holds the passphrase or key bytes. A key that
 * has expired still signs (a backup is never lost to a date), but is said: from a month before its expiry (see
 * {@link #expiry}), and at start, where a signing key that has not expired is taken before one that has.
 */
public final class SigningKey {

    /** Bouncy Castle's provider as an instance, as in SecretArchive: the JDK's have no EdDSA of OpenPGP's ed25519 keys. */
    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();
    static final String SETTING = "offsite.image.signing-key";
    static final String PASSPHRASE = "offsite.image.signing-passphrase";
    /** How long before its expiry a key is said to expire: time to extend it, and to restart with it. */
    static final Duration WARN_BEFORE = Duration.ofDays(30);

    private final PGPPrivateKey privateKey;
    private final PGPPublicKey publicKey;
    private final Path file;

    private SigningKey(PGPPrivateKey privateKey, PGPPublicKey publicKey, Path file) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.file = file;
    }

    /**
     * The key of the file, unlocked; passphrase null or empty for a key without one. A file that is missing, unreadable,
     * not one OpenPGP secret key with a signing key, or a passphrase that does not unlock it, is a {@link SettingError}.
     */
    public static SigningKey load(Path file, char[] passphrase, Instant now) {
        PGPSecretKeyRing ring = ring(file);
        PGPSecretKey key = signingKey(ring, file, now);
        boolean none = passphrase == null || passphrase.length == 0;
        try {
            PGPPrivateKey unlocked = key.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder(new JcaPGPDigestCalculatorProviderBuilder().build())
                    .build(none ? new char[0] : passphrase));
            if (unlocked == null) {
                throw new PGPException("no private key material");
            }
            return new SigningKey(unlocked, key.getPublicKey(), file);
        } catch (PGPException e) {
            throw new SettingError(SETTING, file.toString(), none
                    ? "a key this process can unlock: it is protected by a passphrase, set " + PASSPHRASE
                    : "a key that " + PASSPHRASE + " unlocks: the passphrase set does not");
        }
    }

    /** The signing key's id, as gpg prints it (16 hex digits). */
    public String keyId() {
        return String.format("%016X", publicKey.getKeyID());
    }

    /** When the signing key expires; null when it never does. */
    public Instant expires() {
        return expires(publicKey);
    }

    private static Instant expires(PGPPublicKey key) {
        long valid = key.getValidSeconds();
        return valid <= 0 ? null : key.getCreationTime().toInstant().plusSeconds(valid);
    }

    /**
     * What to say of the key's expiry at now: that it has expired, or expires within {@link #WARN_BEFORE}, with what to do;
     * null when it is further off or never. Manifests signed after the expiry carry signatures of an expired key (gpg
     * --verify says EXPKEYSIG); Offsite's own check with offsite.image.verify-key still takes them.
     */
    public Expiry expiry(Instant now) {
        Instant expires = expires();
        if (expires == null || expires.isAfter(now.plus(WARN_BEFORE))) {
            return null;
        }
        String fix = "extend it (gpg --quick-set-expire " + HexFormat.of().withUpperCase().formatHex(publicKey.getFingerprint()) + " 2y), export it again into " + file
                + " (gpg --armor --export-secret-keys " + keyId() + "), give restores its public half again"
                + " (offsite.image.verify-key) and restart Offsite";
        String day = expires.atOffset(ZoneOffset.UTC).toLocalDate().toString();
        return expires.isAfter(now)
                ? new Expiry(keyId() + " expires " + day, SETTING + ": key " + keyId() + " expires on " + day + " (UTC): " + fix)
                : new Expiry(keyId() + " expired " + day, SETTING + ": key " + keyId() + " expired on " + day + " (UTC): the manifests"
                        + " signed since carry a signature of an expired key, which gpg --verify reports as EXPKEYSIG; " + fix);
    }

    /** What is said of the key's expiry (line), and what it is said of (id: the key, the day, and whether it has come). */
    public record Expiry(String id, String line) {
    }

    /** A detached, ASCII-armored signature over exactly these bytes. */
    public byte[] sign(byte[] data) {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new JcaPGPContentSignerBuilder(publicKey.getAlgorithm(), HashAlgorithmTags.SHA256).setProvider(PROVIDER), publicKey);
            generator.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, new Date());
            hashed.setIssuerFingerprint(false, publicKey);
            hashed.setIssuerKeyID(false, publicKey.getKeyID());
            generator.setHashedSubpackets(hashed.generate());
            generator.update(data);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream armored = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
                generator.generate().encode(armored);
            }
            return bytes.toByteArray();
        } catch (PGPException | IOException e) {
            throw new IllegalStateException("cannot sign with " + SETTING + " key " + keyId() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static PGPSecretKeyRing ring(Path file) {
        PGPSecretKeyRingCollection rings;
        try (InputStream in = Files.newInputStream(file)) {
            rings = new PGPSecretKeyRingCollection(PGPUtil.getDecoderStream(in), new JcaKeyFingerprintCalculator());
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw new SettingError(SETTING, file.toString(), "a readable file holding an OpenPGP secret key (" + e.getClass().getSimpleName()
                    + ": this process cannot read it)");
        } catch (PGPException | IOException | RuntimeException e) {
            throw new SettingError(SETTING, file.toString(), "an OpenPGP secret key file (it is a public key, or damaged; export one with"
                    + " gpg --armor --export-secret-keys ID)");
        }
        List<PGPSecretKeyRing> all = new ArrayList<>();
        rings.getKeyRings().forEachRemaining(all::add);
        if (all.size() != 1) {
            throw new SettingError(SETTING, file.toString(), "an OpenPGP secret key file holding one key (it holds " + all.size() + ")");
        }
        return all.get(0);
    }

    /**
     * The newest key of the ring made to sign data (by its key flags), not revoked and with its secret part in the file;
     * one not expired at now before one that has.
     */
    private static PGPSecretKey signingKey(PGPSecretKeyRing ring, Path file, Instant now) {
        PGPSecretKey chosen = null;
        PGPSecretKey expired = null;
        for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext(); ) {
            PGPSecretKey key = it.next();
            if (!key.isPrivateKeyEmpty() && !key.getPublicKey().hasRevocation() && signsData(key.getPublicKey())) {
                Instant expires = expires(key.getPublicKey());
                if (expires == null || expires.isAfter(now)) {
                    chosen = key;
                } else {
                    expired = key;
                }
            }
        }
        if (chosen == null) {
            chosen = expired;
        }
        if (chosen == null) {
            throw new SettingError(SETTING, file.toString(), "a secret key able to sign (key " + String.format("%016X", ring.getPublicKey().getKeyID())
                    + " has no usable signing key whose secret part is in the file)");
        }
        return chosen;
    }

    /** Whether a self-signature of the key gives it the sign-data flag; a key without flags signs when its algorithm can. */
    private static boolean signsData(PGPPublicKey key) {
        boolean flagged = false;
        for (Iterator<PGPSignature> it = key.getSignatures(); it.hasNext(); ) {
            PGPSignature s = it.next();
            if (s.getHashedSubPackets() != null && s.getHashedSubPackets().hasSubpacket(SignatureSubpacketTags.KEY_FLAGS)) {
                flagged = true;
                if ((s.getHashedSubPackets().getKeyFlags() & KeyFlags.SIGN_DATA) != 0) {
                    return true;
                }
            }
        }
        return !flagged && key.isMasterKey();
    }
}
