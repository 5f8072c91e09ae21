package offsite.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
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

    /** The plain tar, streamed; passphrase null or empty for a key without one. */
    public static InputStream decrypt(InputStream encrypted, InputStream secretKeyFile, char[] passphrase) throws IOException {
        try {
            PGPSecretKeyRingCollection secrets = new PGPSecretKeyRingCollection(PGPUtil.getDecoderStream(secretKeyFile),
                    new JcaKeyFingerprintCalculator());
            PGPObjectFactory factory = new PGPObjectFactory(PGPUtil.getDecoderStream(encrypted), new JcaKeyFingerprintCalculator());
            Object first = factory.nextObject();
            if (!(first instanceof PGPEncryptedDataList)) {
                first = factory.nextObject(); // after a marker packet
            }
            if (!(first instanceof PGPEncryptedDataList list)) {
                throw new IOException("the secret archive is not an OpenPGP encrypted message");
            }
            for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
                if (it.next() instanceof PGPPublicKeyEncryptedData data && secrets.getSecretKey(data.getKeyID()) != null) {
                    return open(data, secrets.getSecretKey(data.getKeyID()), passphrase);
                }
            }
            throw new IOException("--secret-key: the key is not one of the secret archive's recipients");
        } catch (PGPException e) {
            // what failed, never the passphrase or key bytes
            throw new IOException("cannot decrypt the secret archive: wrong passphrase or damaged key/archive (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static InputStream open(PGPPublicKeyEncryptedData data, PGPSecretKey key, char[] passphrase) throws PGPException, IOException {
        if (!data.isIntegrityProtected()) {
            throw new IOException("the secret archive has no integrity packet: refused (every archive made here has one)");
        }
        PGPPrivateKey privateKey = key.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder(new JcaPGPDigestCalculatorProviderBuilder().build())
                .build(passphrase == null ? new char[0] : passphrase));
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
