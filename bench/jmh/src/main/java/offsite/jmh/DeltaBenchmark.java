package offsite.jmh;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import offsite.delta.DeltaPatcher;
import offsite.delta.DeltaWriter;
import offsite.delta.Signature;
import offsite.delta.SignatureParameters;
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

/**
 * The librsync kernels as {@code rdiff signature}, {@code rdiff delta} and {@code rdiff patch} run them: each op
 * reads its files from the page cache and writes its output to a null stream, as the tools write to /dev/null.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class DeltaBenchmark {

    @Param("")
    public String basis;

    @Param("")
    public String changed;

    private Path basisPath;
    private Path changedPath;
    private SignatureParameters parameters;
    private byte[] signature;
    private byte[] delta;

    @Setup
    public void prepare() throws IOException {
        basisPath = InputFile.of("basis", basis);
        changedPath = InputFile.of("changed", changed);
        parameters = SignatureParameters.rdiffDefaults(Files.size(basisPath));
        ByteArrayOutputStream sig = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(basisPath)) {
            Signature.write(in, parameters, sig);
        }
        signature = sig.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(changedPath)) {
            new DeltaWriter(Signature.read(new ByteArrayInputStream(signature))).write(in, out);
        }
        delta = out.toByteArray();
    }

    /** The basis's signature, as {@code rdiff signature BASIS}. */
    @Benchmark
    public long signature() throws IOException {
        try (InputStream in = Files.newInputStream(basisPath)) {
            return Signature.write(in, parameters, OutputStream.nullOutputStream());
        }
    }

    /** Loading the signature and the changed file's delta against it, as {@code rdiff delta SIG CHANGED}. */
    @Benchmark
    public Signature delta() throws IOException {
        Signature loaded = Signature.read(new ByteArrayInputStream(signature));
        try (InputStream in = Files.newInputStream(changedPath)) {
            new DeltaWriter(loaded).write(in, OutputStream.nullOutputStream());
        }
        return loaded;
    }

    /** Rebuilding the changed file from the basis and the delta, as {@code rdiff patch BASIS DELTA}. */
    @Benchmark
    public long patch() throws IOException {
        return DeltaPatcher.apply(basisPath, new ByteArrayInputStream(delta), OutputStream.nullOutputStream());
    }
}
