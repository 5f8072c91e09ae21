package offsite.sync;

import java.nio.file.Files;
import java.nio.file.Path;

/** Local ETag throughput on one file (run by bench/sync.sh beside md5sum): java -cp ... offsite.sync.EtagBench FILE. */
public final class EtagBench {

    private EtagBench() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long size = Files.size(file);
        UploadShape shape = new UploadShape(64L << 20, 32L << 20);
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            String etag = LocalEtag.of(file, size, shape);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("etag %s %.3f s %.0f MiB/s%n", etag, seconds, size / seconds / (1 << 20));
        }
    }
}
