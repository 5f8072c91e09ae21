package offsite.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import offsite.config.SettingError;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.jcajce.JcaKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

/**
 * offsite.image.verify-key (or restore-image --verify-key): the OpenPGP public key whose signature a manifest must
 * carry to be restored. {@link #check} says who signed, or throws saying why the signature is refused: not OpenPGP,
 * made by another key, or not over these bytes.
 */
public final class VerifyKey {

    private static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    /** Why a signature is refused, in words that name no key bytes. */
    public static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    private final PGPPublicKeyRingCollection rings;
    private final String source;

    private VerifyKey(PGPPublicKeyRingCollection rings, String source) {
        this.rings = rings;
        this.source = source;
    }

    /** Where the key came from, as the user named it: "offsite.image.verify-key (FILE)" or "--verify-key FILE". */
    public String source() {
        return source;
    }

    /**
     * The public keys of an armored or binary export; name is the setting or option that gave the file. A file that
     * is missing, unreadable, a secret key or not OpenPGP is a {@link SettingError} naming it.
     */
    public static VerifyKey load(Path file, String name) {
        PGPPublicKeyRingCollection rings;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw new SettingError(name, file.toString(), "a readable file holding an OpenPGP public key (" + e.getClass().getSimpleName()
                    + ": this process cannot read it)");
        } catch (IOException e) {
            throw new SettingError(name, file.toString(), "a readable file holding an OpenPGP public key (" + e.getMessage() + ")");
        }
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
            rings = new PGPPublicKeyRingCollection(in, new JcaKeyFingerprintCalculator());
        } catch (PGPException | IOException | RuntimeException e) {
            throw new SettingError(name, file.toString(), "an OpenPGP public key, the output of gpg --armor --export ID (this file is not one:"
                    + " damaged, or a secret key, which belongs only on the backup host)");
        }
        if (rings.size() == 0) {
            throw new SettingError(name, file.toString(), "an OpenPGP public key, the output of gpg --armor --export ID (it holds no key)");
        }
        return new VerifyKey(rings, name.startsWith("--") ? name + " " + file : name + " (" + file + ")");
    }

    /**
     * Checks an armored or binary detached signature over exactly data; returns the signer as "KEYID (user id)".
     */
    public String check(byte[] data, byte[] signature) throws Refused {
        PGPSignature sig = parse(signature);
        PGPPublicKey key = rings.getPublicKey(sig.getKeyID());
        if (key == null) {
            throw new Refused("it was made by key " + hex(sig.getKeyID()) + ", which is not the key of " + source + " (" + held() + ")");
        }
        if (key.hasRevocation()) {
            throw new Refused("it was made by key " + hex(sig.getKeyID()) + ", which is revoked");
        }
        if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT && sig.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            throw new Refused("it is not a signature over a document (OpenPGP signature type " + sig.getSignatureType() + ")");
        }
        try {
            sig.init(new JcaPGPContentVerifierBuilderProvider().setProvider(PROVIDER), key);
            sig.update(data);
            if (!sig.verify()) {
                throw new Refused("it does not match the manifest's bytes (the manifest or the signature was changed)");
            }
        } catch (PGPException e) {
            throw new Refused("it cannot be checked (" + e.getClass().getSimpleName() + "): damaged");
        }
        return hex(sig.getKeyID()) + userId(sig.getKeyID());
    }

    private static PGPSignature parse(byte[] signature) throws Refused {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
            Object first = new PGPObjectFactory(in, new JcaKeyFingerprintCalculator()).nextObject();
            if (first instanceof PGPSignatureList list && list.size() == 1) {
                return list.get(0);
            }
            throw new Refused("it is not one OpenPGP signature (expected the output of gpg --armor --detach-sign)");
        } catch (IOException | RuntimeException e) {
            throw new Refused("it is not an OpenPGP signature: it does not parse (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** " (user id)" of the ring holding the key, empty when it names none. */
    private String userId(long keyId) {
        for (PGPPublicKeyRing ring : rings) {
            if (ring.getPublicKey(keyId) != null) {
                Iterator<String> ids = ring.getPublicKey().getUserIDs();
                return ids.hasNext() ? " (" + ids.next() + ")" : "";
            }
        }
        return "";
    }

    private String held() {
        List<String> ids = new ArrayList<>();
        rings.forEach(ring -> ring.getPublicKeys().forEachRemaining(k -> ids.add(hex(k.getKeyID()))));
        return "it holds key " + String.join(", ", ids);
    }

    private static String hex(long id) {
        return String.format("%016X", id);
    }
}
