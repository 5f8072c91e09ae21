package offsite.image;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import offsite.delta.Signature;
import offsite.delta.SignatureParameters;

/**
 * Times the image passes over a tree in one warm JVM, for docs/benchmarks.md (not a test): the complete image with
 * its index and signature, then alternately a diff pass that copies what the index shows unchanged and one that
 * matches every entry (a full read). Change nothing meanwhile: every entry is then copied.
 * Usage: ImagePassBench TREE WORK_DIR PASSES
 * (mvn -q test-compile; java -cp "target/test-classes:target/classes:target/lib/*" offsite.image.ImagePassBench ...)
 */
public final class ImagePassBench {

    private ImagePassBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ImagePassBench TREE WORK_DIR PASSES");
            System.exit(2);
        }
        ImageTree tree = new ImageTree(new TreeSelection(List.of(Path.of(args[0]).toAbsolutePath()), List.of(), List.of(), List.of()));
        Path work = Files.createDirectories(Path.of(args[1]));
        Path index = work.resolve("complete.idx");
        Path tar = work.resolve("complete.tar");
        Path signature = work.resolve("complete.sig");
        long start = System.nanoTime();
        try (ImageIndex.Writer writer = new ImageIndex.Writer(index, "bench", tree.fingerprint());
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 1 << 16)) {
            tree.writeBase(out, writer);
        }
        long written = System.nanoTime();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(signature))) {
            Signature.write(in, SignatureParameters.rdiffDefaults(Files.size(tar)), out);
        }
        System.out.printf("complete image %d bytes: tar and index %.0f ms, signature %.0f ms%n", Files.size(tar),
                (written - start) / 1e6, (System.nanoTime() - written) / 1e6);
        Signature loaded;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(signature))) {
            loaded = Signature.read(in);
        }
        for (int pass = 0; pass < Integer.parseInt(args[2]); pass++) {
            for (boolean fullRead : new boolean[] {false, true}) {
                long t = System.nanoTime();
                ImageDelta.Result result;
                try (ImageIndex.Reader reader = fullRead ? null : ImageIndex.Reader.open(index);
                        OutputStream out = new BufferedOutputStream(Files.newOutputStream(work.resolve(fullRead ? "delta-full" : "delta-index")), 1 << 16)) {
                    result = ImageDelta.write(tree, loaded, reader, out, n -> { });
                }
                System.out.printf("%-9s pass %5.0f ms: %d entries copied, %d bytes matched, delta %d bytes%n", fullRead ? "full-read" : "index",
                        (System.nanoTime() - t) / 1e6, result.copiedEntries(), result.matchedBytes(), Files.size(work.resolve(fullRead ? "delta-full" : "delta-index")));
            }
        }
    }
}
