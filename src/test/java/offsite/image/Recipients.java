package offsite.image;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.concurrent.Callable;
import offsite.testing.Gpg;
import org.apache.camel.converter.crypto.PGPKeyAccessDataFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** Two recipients made by stock gpg, their public keys in a keys dir (one armored .asc, one binary .gpg). */
record Recipients(Path keysDir, Gpg a, Gpg b, Path secretA, Path secretB) {

    static Recipients make(Path dir) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("keys"));
        Gpg a = new Gpg(dir.resolve("gpg-a"));
        Gpg b = new Gpg(dir.resolve("gpg-b"));
        a.newKey("Admin A <a@example.org>", keys.resolve("a.asc"), dir.resolve("a-secret.asc"));
        b.newKey("Admin B <b@example.org>", dir.resolve("b.asc"), dir.resolve("b-secret.asc"));
        Files.write(keys.resolve("b.gpg"), b.run(null, "--export", "Admin B <b@example.org>"));
        return new Recipients(keys, a, b, dir.resolve("a-secret.asc"), dir.resolve("b-secret.asc"));
    }

    /** The plain bytes encrypted exactly as the image route does it. */
    static byte[] encrypt(Path keysDir, InputStream plain) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            PGPKeyAccessDataFormat format = SecretArchiveFormat.create(keysDir);
            format.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            format.marshal(new DefaultExchange(camel), plain, out);
            return out.toByteArray();
        }
    }

    static byte[] decrypt(byte[] encrypted, Path secretKey) throws Exception {
        return decrypt(encrypted, secretKey, null);
    }

    /** Our decryptor as restore-image runs it: see {@link #withoutRegisteredBouncyCastle}. */
    static byte[] decrypt(byte[] encrypted, Path secretKey, char[] passphrase) throws Exception {
        return withoutRegisteredBouncyCastle(() -> {
            try (InputStream plain = SecretArchive.decrypt(new ByteArrayInputStream(encrypted), secretKey, passphrase)) {
                return plain.readAllBytes();
            }
        });
    }

    /**
     * Runs an action as in a JVM where nothing registered Bouncy Castle as a JCA provider, as restore-image's is:
     * camel-crypto-pgp registers it when the image route's data format starts, which a restore never does.
     */
    static <T> T withoutRegisteredBouncyCastle(Callable<T> action) throws Exception {
        Provider registered = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME);
        Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        try {
            return action.call();
        } finally {
            if (registered != null && Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
                Security.addProvider(registered);
            }
        }
    }
}
