package offsite.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;

/**
 * The decryption a restore needs: the secret archive ({@link SecretArchiveFormat}) opened with one recipient's
 * private key file (armored or binary) and its passphrase, as a stream of the plain tar. The integrity packet is
 * required and checked when the stream reaches its end: a changed archive fails there, never silently.
 * The session key is recovered with Bouncy Castle's provider handed over as an instance: the JDK's providers have
 * no X25519 with OpenPGP's KDF (a cv25519 subkey), and Bouncy Castle is registered only where camel-crypto-pgp's
 * data format started (a backup, never a restore). The passphrase's S2K and the content stay with the JDK's
 * providers, whose SHA-1 and AES are intrinsics (Bouncy Castle's pure-Java SHA-1 took 15 s over gpg's S2K count).
 */
public final class SecretArchive {

    private static final BouncyCastleProvider KEY_AGREEMENT = new BouncyCastleProvider();

    private SecretArchive() {
    }

    /**
     * The plain tar, streamed; passphrase null or empty for a key without one. Whatever keeps the key from opening the
     * archive fails here, before a byte is read, in a message that names the key file and what is wrong with it (never
     * the passphrase or the key's bytes).
     */
    public static InputStream decrypt(InputStream encrypted, Path secretKeyFile, char[] passphrase) throws IOException {
        PGPSecretKeyRingCollection secrets = secretKeys(secretKeyFile);
        try {
            PGPObjectFactory factory = new PGPObjectFactory(PGPUtil.getDecoderStream(encrypted), new JcaKeyFingerprintCalculator());
            Object first = factory.nextObject();
            if (!(first instanceof PGPEncryptedDataList)) {
                first = factory.nextObject(); // after a marker packet
            }
            if (!(first instanceof PGPEncryptedDataList list)) {
                throw new IOException("the secret archive is not an OpenPGP encrypted message");
            }
            List<String> recipients = new ArrayList<>();
            for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
                if (it.next() instanceof PGPPublicKeyEncryptedData data) {
                    if (secrets.getSecretKey(data.getKeyID()) != null) {
                        return open(data, secrets.getSecretKey(data.getKeyID()), secretKeyFile, passphrase);
                    }
                    recipients.add(keyId(data.getKeyID()));
                }
            }
            List<String> held = new ArrayList<>();
            secrets.getKeyRings().forEachRemaining(ring -> ring.getSecretKeys().forEachRemaining(k -> held.add(keyId(k.getKeyID()))));
            throw new IOException("--secret-key " + secretKeyFile + ": the key is not one of the secret archive's recipients (the archive is"
                    + " for key " + String.join(", ", recipients) + "; the file holds key " + String.join(", ", held) + ")");
        } catch (PGPException e) {
            // what failed, never the passphrase or key bytes
            throw new IOException("cannot decrypt the secret archive: it is damaged (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The private keys of the file, or a failure naming it: unreadable, no OpenPGP, or public keys only. */
    private static PGPSecretKeyRingCollection secretKeys(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new PGPSecretKeyRingCollection(PGPUtil.getDecoderStream(in), new JcaKeyFingerprintCalculator());
        } catch (PGPException | IOException | RuntimeException e) {
            throw new IOException("--secret-key " + file + ": " + (e instanceof NoSuchFileException || e instanceof AccessDeniedException
                    ? "cannot read it (" + e.getClass().getSimpleName() + ")"
                    : "not an OpenPGP private key file (a public key, or damaged; export it with gpg --export-secret-keys)"));
        }
    }

    private static String keyId(long id) {
        return String.format("%016X", id);
    }

    private static InputStream open(PGPPublicKeyEncryptedData data, PGPSecretKey key, Path keyFile, char[] passphrase) throws PGPException,
            IOException {
        if (!data.isIntegrityProtected()) {
            throw new IOException("the secret archive has no integrity packet: refused (every archive made here has one)");
        }
        PGPPrivateKey privateKey;
        try {
            privateKey = key.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder(new JcaPGPDigestCalculatorProviderBuilder().build())
                    .build(passphrase == null ? new char[0] : passphrase));
        } catch (PGPException e) {
            throw new IOException("--secret-key " + keyFile + ": " + (passphrase == null || passphrase.length == 0
                    ? "the key is protected by a passphrase: name the environment variable that holds it with --passphrase-env"
                    : "the passphrase given with --passphrase-env does not unlock the key"));
        }
        InputStream clear = data.getDataStream(new JcePublicKeyDataDecryptorFactoryBuilder().setProvider(KEY_AGREEMENT).build(privateKey));
        Object message = new PGPObjectFactory(clear, new JcaKeyFingerprintCalculator()).nextObject();
        if (message instanceof PGPCompressedData compressed) {
            message = new PGPObjectFactory(compressed.getDataStream(), new JcaKeyFingerprintCalculator()).nextObject();
        }
        if (!(message instanceof PGPLiteralData literal)) {
            throw new IOException("the secret archive holds no literal data packet");
        }
        return new Verified(literal.getInputStream(), data);
    }

    /** The plain content; at its end the integrity packet is checked. */
    private static final class Verified extends FilterInputStream {
        private final PGPPublicKeyEncryptedData data;
        private boolean checked;

        Verified(InputStream in, PGPPublicKeyEncryptedData data) {
            super(in);
            this.data = data;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            return b < 0 ? atEnd() : b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            return n < 0 ? atEnd() : n;
        }

        private int atEnd() throws IOException {
            if (!checked) {
                checked = true;
                try {
                    if (!data.verify()) {
                        throw new IOException("the secret archive fails its integrity check: it was changed or damaged");
                    }
                } catch (PGPException e) {
                    throw new IOException("the secret archive's integrity check cannot be read (" + e.getClass().getSimpleName() + ")");
                }
            }
            return -1;
        }
    }
}
