package offsite.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

/**
 * The source scan's cost on a tree of many small files: java -cp ... offsite.sync.ScanBench DIR [FILES] [ROUNDS].
 * Writes FILES (default 20,000) empty-ish files into DIR once, in 100 folders, then times ROUNDS (default 15) scans.
 */
public final class ScanBench {

    private ScanBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        if (!Files.isDirectory(dir.resolve("d0"))) {
            for (int i = 0; i < files; i++) {
                Path file = dir.resolve("d" + (i % 100)).resolve("chunk-" + i + ".rdb");
                Files.createDirectories(file.getParent());
                Files.write(file, new byte[i % 7]);
            }
        }
        SourceScan scan = new SourceScan(dir, Clock.systemUTC(), false);
        double[] millis = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            int seen = scan.scan().files().size();
            millis[round] = (System.nanoTime() - t0) / 1e6;
            System.out.printf("scan %d files %.1f ms%n", seen, millis[round]);
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        // the first rounds run in the interpreter: the median of the last two thirds is the steady cost
        double[] warm = Arrays.copyOfRange(millis, rounds / 3, rounds);
        Arrays.sort(warm);
        System.out.printf("median of the warm rounds %.1f ms (all rounds: min %.1f, max %.1f)%n", warm[warm.length / 2], sorted[0],
                sorted[rounds - 1]);
    }
}
