package offsite.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stock gpg in a private home: makes keys, exports them, decrypts. */
public final class Gpg {

    private final Path home;

    public Gpg(Path home) throws IOException {
        this.home = Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    }

    /** A new key pair without passphrase for the user id; returns the public key export path. */
    public Path newKey(String userId, Path publicOut, Path secretOut) throws Exception {
        run(null, "--batch", "--passphrase", "", "--quick-gen-key", userId, "default", "default", "never");
        Files.write(publicOut, run(null, "--armor", "--export", userId));
        Files.write(secretOut, run(null, "--armor", "--export-secret-keys", userId));
        return publicOut;
    }

    /**
     * A new key pair without passphrase that expires (gpg's expire argument: 10d, 1y), made at madeAt (gpg's
     * --faked-system-time, 20200101T000000; null: now) so that it may have expired already.
     */
    public Path newExpiringKey(String userId, Path publicOut, Path secretOut, String madeAt, String expire) throws Exception {
        List<String> args = new ArrayList<>(List.of("--batch", "--passphrase", ""));
        if (madeAt != null) {
            args.addAll(List.of("--faked-system-time", madeAt));
        }
        args.addAll(List.of("--quick-gen-key", userId, "default", "default", expire));
        run(null, args.toArray(String[]::new));
        Files.write(publicOut, run(null, "--armor", "--export", userId));
        Files.write(secretOut, run(null, "--armor", "--export-secret-keys", userId));
        return publicOut;
    }

    /**
     * A new ed25519 signing key with a cv25519 encryption subkey, made as the gpg manual says (--quick-gen-key, then
     * --quick-add-key); passphrase empty for none. Returns the public key export path; the secret key goes to secretOut.
     */
    public Path newCurve25519Key(String userId, Path publicOut, Path secretOut, String passphrase) throws Exception {
        run(null, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--quick-gen-key", userId, "ed25519", "sign", "never");
        run(null, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--quick-add-key", fingerprint(userId), "cv25519", "encr",
                "never");
        Files.write(publicOut, run(null, "--armor", "--export", userId));
        Files.write(secretOut, run(null, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--armor", "--export-secret-keys",
                userId));
        return publicOut;
    }

    /** The primary key's fingerprint of a user id in this home. */
    public String fingerprint(String userId) throws Exception {
        return new String(run(null, "--batch", "--with-colons", "--list-keys", userId), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("fpr:")).findFirst().map(l -> l.split(":")[9])
                .orElseThrow(() -> new IllegalStateException("gpg lists no fingerprint for " + userId));
    }

    /** A new key pair protected by a passphrase; returns the public key export path. */
    public Path newKey(String userId, Path publicOut, Path secretOut, String passphrase) throws Exception {
        run(null, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--quick-gen-key", userId, "default", "default", "never");
        Files.write(publicOut, run(null, "--armor", "--export", userId));
        Files.write(secretOut, run(null, "--batch", "--pinentry-mode", "loopback", "--passphrase", passphrase, "--armor", "--export-secret-keys",
                userId));
        return publicOut;
    }

    /** gpg --decrypt of a file with the keys of a given home. */
    public byte[] decrypt(Path file) throws Exception {
        return run(null, "--batch", "--decrypt", file.toString());
    }

    public byte[] run(byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--no-tty", "--quiet"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(home.resolve("stderr.txt").toFile()).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin);
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("gpg " + String.join(" ", args) + " failed: "
                    + Files.readString(home.resolve("stderr.txt"), StandardCharsets.UTF_8));
        }
        return out;
    }
}
