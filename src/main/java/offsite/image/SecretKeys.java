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

/**
 * The recipients of the secret archive: one encryption key of every public key in the keys directory, from
 * *.asc (armored) and *.gpg (binary) files, several keys to a file allowed, files in name order. An empty list
 * means no recipient: the caller makes no archive and warns. A file that is not a public key export is an error
 * naming it; no message ever holds key bytes.
 */
public final class SecretKeys {

    private SecretKeys() {
    }

    /** Every recipient's encryption key; empty when the directory holds no *.asc or *.gpg file. */
    public static List<PGPPublicKey> load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("offsite.image.keys-dir: " + dir + " is not a directory (expected a folder of *.asc or *.gpg public keys)");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new IOException("offsite.image.keys-dir: " + dir + " is not readable by this user");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, "*.{asc,gpg}")) {
            found.forEach(files::add);
        }
        files.sort(null);
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Path file : files) {
            for (PGPPublicKeyRing ring : rings(file)) {
                keys.add(encryptionKey(ring, file));
            }
        }
        return keys;
    }

    /** Why there is no secret archive, for the report's warning. */
    public static String noRecipients(Path dir) {
        return "no recipient keys in " + dir + " (offsite.image.keys-dir): no secret archive was made";
    }

    private static PGPPublicKeyRingCollection rings(Path file) throws IOException {
        PGPPublicKeyRingCollection rings;
        try (InputStream in = PGPUtil.getDecoderStream(Files.newInputStream(file))) {
            rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
        } catch (PGPException | IOException | RuntimeException e) {
            throw new IOException("offsite.image.keys-dir: " + file + " is not an OpenPGP public key"
                    + " (expected the output of gpg --export, ASCII-armored in .asc or binary in .gpg; a secret key does not belong here)");
        }
        if (rings.size() == 0) {
            throw new IOException("offsite.image.keys-dir: " + file + " is not an OpenPGP public key: it holds no key"
                    + " (expected the output of gpg --export, ASCII-armored in .asc or binary in .gpg)");
        }
        return rings;
    }

    /** The last usable encryption key of the ring: the subkey gpg itself would encrypt to. */
    private static PGPPublicKey encryptionKey(PGPPublicKeyRing ring, Path file) throws IOException {
        PGPPublicKey chosen = null;
        for (PGPPublicKey key : ring) {
            if (key.isEncryptionKey() && !key.hasRevocation()) {
                chosen = key;
            }
        }
        if (chosen == null) {
            throw new IOException("offsite.image.keys-dir: " + file + " holds key " + Long.toHexString(ring.getPublicKey().getKeyID())
                    + " without a usable encryption subkey (expected a key made for encryption, not revoked)");
        }
        return chosen;
    }
}
