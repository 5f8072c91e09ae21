package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyDataDecryptorFactoryBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;

/**
 * OpenPGP encryption of the secret tar to every recipient at once (AES-256, integrity-protected), streaming,
 * and the decryption a restore needs. Bouncy Castle directly rather than camel-crypto-pgp's data format: that
 * one picks recipients by user-id substring and buffers its output in memory; this encrypts to exactly the
 * keys in the folder as a stream. `gpg --decrypt` with any one recipient's key opens the result.
 */
public final class SecretArchive {

    private SecretArchive() {
    }

    /** A stream that encrypts what is written to it into out; close it to finish the message (out stays open). */
    public static OutputStream encrypt(OutputStream out, List<PGPPublicKey> recipients) throws IOException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipient keys");
        }
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(new JcePGPDataEncryptorBuilder(PGPEncryptedData.AES_256)
                .setWithIntegrityPacket(true).setSecureRandom(new SecureRandom()));
        for (PGPPublicKey key : recipients) {
            generator.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(key));
        }
        try {
            OutputStream encrypted = generator.open(new NonClosing(out), new byte[1 << 16]);
            PGPLiteralDataGenerator literal = new PGPLiteralDataGenerator();
            OutputStream plain = literal.open(encrypted, PGPLiteralData.BINARY, "secrets.tar", new Date(0), new byte[1 << 16]);
            return new Encrypting(plain, literal, generator);
        } catch (PGPException e) {
            throw new IOException("cannot encrypt the secret archive: " + e.getMessage(), e);
        }
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

    /** The plain side: closing it closes the literal packet, then the encrypted one. */
    private static final class Encrypting extends java.io.FilterOutputStream {
        private final PGPLiteralDataGenerator literal;
        private final PGPEncryptedDataGenerator generator;

        Encrypting(OutputStream plain, PGPLiteralDataGenerator literal, PGPEncryptedDataGenerator generator) {
            super(plain);
            this.literal = literal;
            this.generator = generator;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            literal.close();
            generator.close();
        }
    }

    /** Keeps the caller's stream open when the encrypted message is closed. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
