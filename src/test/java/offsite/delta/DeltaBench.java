package offsite.delta;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times our signature and delta on real files, for bench/delta.sh (not a test).
 * Usage: DeltaBench BASIS NEW SIGNATURE_OUT DELTA_OUT [PATCHED_OUT]
 */
public final class DeltaBench {

    private DeltaBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: DeltaBench BASIS NEW SIGNATURE_OUT DELTA_OUT [PATCHED_OUT]");
            System.exit(2);
        }
        Path basis = Path.of(args[0]);
        Path newFile = Path.of(args[1]);
        Path signatureFile = Path.of(args[2]);
        Path deltaFile = Path.of(args[3]);

        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(basis);
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(signatureFile), 1 << 16)) {
            Signature.write(in, SignatureParameters.rdiffDefaults(Files.size(basis)), out);
        }
        long signed = System.nanoTime();
        Signature signature;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(signatureFile), 1 << 16)) {
            signature = Signature.read(in);
        }
        try (InputStream in = Files.newInputStream(newFile); OutputStream out = Files.newOutputStream(deltaFile)) {
            new DeltaWriter(signature).write(in, out);
        }
        long done = System.nanoTime();
        System.out.printf("signature %.3f s, delta %.3f s, delta %d bytes%n",
                (signed - start) / 1e9, (done - signed) / 1e9, Files.size(deltaFile));
        if (args.length == 5) {
            long patchStart = System.nanoTime();
            try (FileChannel channel = FileChannel.open(basis);
                 InputStream in = Files.newInputStream(deltaFile);
                 OutputStream out = Files.newOutputStream(Path.of(args[4]))) {
                DeltaPatcher.apply(channel, in, out);
            }
            System.out.printf("patch %.3f s%n", (System.nanoTime() - patchStart) / 1e9);
        }
    }
}
