package offsite.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import offsite.sync.LocalEtag;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The local ETag of one file, read from the page cache: one op hashes the whole file once. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class LocalEtagBenchmark {

    /** The multipart ETag's part size: offsite.sync.part-size's default. */
    private static final long PART_SIZE = 32L << 20;

    @Param("")
    public String file;

    private Path path;

    @Setup
    public void open() {
        path = InputFile.of("file", file);
    }

    /** A single PUT's ETag: the file's MD5. */
    @Benchmark
    public String single() throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return LocalEtag.single(in);
        }
    }

    /** A multipart upload's ETag: the MD5 of the 32 MiB parts' MD5s. */
    @Benchmark
    public String multipart() throws IOException {
        return LocalEtag.multipart(path, PART_SIZE);
    }
}
