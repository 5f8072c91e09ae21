package offsite.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;

/** The recipients of the secret archive: one encryption key of every public key in the keys directory (*.asc, *.gpg). */
public final class SecretKeys {

    private SecretKeys() {
    }

    /** Every recipient's encryption key; empty when the directory holds none. Errors name the file. */
    public static List<PGPPublicKey> load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("offsite.image.keys-dir: " + dir + " is not a directory");
        }
        if (!Files.isReadable(dir)) {
            throw new IOException("offsite.image.keys-dir: " + dir + " is not readable by this user");
        }
        List<PGPPublicKey> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{asc,gpg}")) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path file : sorted) {
                keys.addAll(read(file));
            }
        }
        return keys;
    }

    private static List<PGPPublicKey> read(Path file) throws IOException {
        List<PGPPublicKey> out = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            PGPPublicKeyRingCollection rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
            for (PGPPublicKeyRing ring : rings) {
                PGPPublicKey chosen = null;
                for (PGPPublicKey key : ring) {
                    if (key.isEncryptionKey() && !key.hasRevocation()) {
                        chosen = key; // the last encryption key: the subkey gpg itself would use
                    }
                }
                if (chosen == null) {
                    throw new IOException("offsite.image.keys-dir: " + file.getFileName() + " holds a key without an encryption subkey");
                }
                out.add(chosen);
            }
        } catch (PGPException | RuntimeException e) {
            throw new IOException("offsite.image.keys-dir: " + file.getFileName()
                    + " is not an OpenPGP public key (expected an ASCII-armored .asc or binary .gpg export)");
        }
        if (out.isEmpty()) {
            throw new IOException("offsite.image.keys-dir: " + file.getFileName() + " holds no public key");
        }
        return out;
    }
}
