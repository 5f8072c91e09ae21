package offsite.image;

import java.nio.file.Path;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.converter.crypto.PGPKeyAccessDataFormat;
import org.apache.camel.converter.crypto.PGPPublicKeyAccessor;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * The secret archive's encryption: camel-crypto-pgp to every public key in the keys folder, read at each backup,
 * AES-256 (9) with an integrity packet, SHA-256 (8), uncompressed, binary. PGPKeyAccessDataFormat rather than
 * PGPDataFormat: its key accessor hands over the folder's keys themselves, where PGPDataFormat picks keys from a
 * keyring by user-id substring (a key could be caught or missed by a name); its marshal streams the body through.
 * No key in the folder is the caller's case to report: {@link SecretKeys#load} says so before encrypting.
 */
public final class SecretArchiveFormat {

    private SecretArchiveFormat() {
    }

    public static PGPKeyAccessDataFormat create(Path keysDir) {
        PGPKeyAccessDataFormat pgp = new PGPKeyAccessDataFormat();
        pgp.setPublicKeyAccessor(new PGPPublicKeyAccessor() {
            @Override
            public List<PGPPublicKey> getEncryptionKeys(Exchange exchange, List<String> useridParts) throws Exception {
                return SecretKeys.load(keysDir);
            }

            @Override
            public PGPPublicKey getPublicKey(Exchange exchange, long keyId, List<String> useridParts) throws Exception {
                return SecretKeys.load(keysDir).stream().filter(k -> k.getKeyID() == keyId).findFirst().orElse(null);
            }
        });
        pgp.setKeyUserid("every key in " + keysDir);
        pgp.setAlgorithm(SymmetricKeyAlgorithmTags.AES_256);
        pgp.setHashAlgorithm(HashAlgorithmTags.SHA256);
        pgp.setIntegrity(true);
        pgp.setArmored(false);
        pgp.setCompressionAlgorithm(CompressionAlgorithmTags.UNCOMPRESSED);
        pgp.setFileName("secrets.tar");
        return pgp;
    }
}
