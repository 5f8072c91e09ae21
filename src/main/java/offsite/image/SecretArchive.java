package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
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
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;

/**
 * The decryption a restore needs: the secret archive (encrypted by camel-crypto-pgp in routes/image.yaml) opened
 * with one recipient's private key file and its passphrase, as a stream of the plain tar.
 */
public final class SecretArchive {

    private SecretArchive() {
    }

    /** Decrypts with the private key file (armored or binary) and its passphrase; the caller reads the plain tar. */
    public static InputStream decrypt(InputStream encrypted, InputStream secretKeyFile, char[] passphrase) throws IOException {
        try {
            PGPSecretKeyRingCollection secrets = new PGPSecretKeyRingCollection(PGPUtil.getDecoderStream(secretKeyFile),
                    new JcaKeyFingerprintCalculator());
            PGPObjectFactory factory = new PGPObjectFactory(PGPUtil.getDecoderStream(encrypted), new JcaKeyFingerprintCalculator());
            Object first = factory.nextObject();
            PGPEncryptedDataList list = first instanceof PGPEncryptedDataList l ? l : (PGPEncryptedDataList) factory.nextObject();
            for (Iterator<PGPEncryptedData> it = list.getEncryptedDataObjects(); it.hasNext(); ) {
                PGPPublicKeyEncryptedData data = (PGPPublicKeyEncryptedData) it.next();
                PGPSecretKey key = secrets.getSecretKey(data.getKeyID());
                if (key == null) {
                    continue;
                }
                PGPPrivateKey privateKey = key.extractPrivateKey(new JcePBESecretKeyDecryptorBuilder(
                        new JcaPGPDigestCalculatorProviderBuilder().build()).build(passphrase == null ? new char[0] : passphrase));
                InputStream clear = data.getDataStream(new JcePublicKeyDataDecryptorFactoryBuilder().build(privateKey));
                Object message = new PGPObjectFactory(clear, new JcaKeyFingerprintCalculator()).nextObject();
                if (message instanceof PGPCompressedData compressed) {
                    message = new PGPObjectFactory(compressed.getDataStream(), new JcaKeyFingerprintCalculator()).nextObject();
                }
                return ((PGPLiteralData) message).getInputStream();
            }
            throw new IOException("--secret-key: the key is not one of the secret archive's recipients");
        } catch (PGPException e) {
            // never the passphrase: only what failed
            throw new IOException("cannot decrypt the secret archive: wrong passphrase or damaged key/archive ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

}
