package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every generated pair against the real rdiff, for each signature kind and a few block/strong lengths. */
class RdiffInteropTest {

    /** rdiff signature options and the parameters we expect them to mean for a basis size. */
    record Variant(String name, List<String> options, LongFunction<SignatureParameters> parameters) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("defaults", List.of(), SignatureParameters::rdiffDefaults),
            new Variant("-H md4", List.of("-H", "md4"),
                    size -> SignatureParameters.rdiffDefaults(size, SignatureKind.RABINKARP_MD4)),
            new Variant("-R rollsum", List.of("-R", "rollsum"),
                    size -> SignatureParameters.rdiffDefaults(size, SignatureKind.ROLLSUM_BLAKE2)),
            new Variant("-R rollsum -H md4", List.of("-R", "rollsum", "-H", "md4"),
                    size -> SignatureParameters.rdiffDefaults(size, SignatureKind.ROLLSUM_MD4)),
            new Variant("-b 64 -S 8", List.of("-b", "64", "-S", "8"),
                    size -> new SignatureParameters(SignatureKind.RABINKARP_BLAKE2, 64, 8)),
            new Variant("-b 1000 -S 12 -R rollsum", List.of("-b", "1000", "-S", "12", "-R", "rollsum"),
                    size -> new SignatureParameters(SignatureKind.ROLLSUM_BLAKE2, 1000, 12)),
            new Variant("-b 100 -S -1 -H md4", List.of("-b", "100", "-S", "-1", "-H", "md4"),
                    size -> new SignatureParameters(SignatureKind.RABINKARP_MD4, 100,
                            SignatureParameters.minimumStrongLength(size, 100))));

    static Stream<Arguments> cases() {
        return GeneratedPair.all().stream()
                .flatMap(pair -> VARIANTS.stream().map(variant -> Arguments.of(pair, variant)));
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void signatures_and_deltas_equal_rdiffs_and_patch_both_ways(GeneratedPair pair, Variant variant) throws Exception {
        Path basis = Files.write(dir.resolve("basis"), pair.basis());
        Path newFile = Files.write(dir.resolve("new"), pair.newFile());

        rdiff(variant.options(), "signature", "basis", "rdiff.sig");
        byte[] ourSignature = signature(basis, variant.parameters().apply(pair.basis().length));
        assertThat(ourSignature).as("signature").isEqualTo(Files.readAllBytes(dir.resolve("rdiff.sig")));

        rdiff(List.of(), "delta", "rdiff.sig", "new", "rdiff.delta");
        byte[] rdiffDelta = Files.readAllBytes(dir.resolve("rdiff.delta"));
        byte[] ourDelta = delta(dir.resolve("rdiff.sig"), newFile);
        if (pair.basis().length == 0) {
            // rdiff cuts literal-only deltas at its read size (one block); we use 32 KiB literals
            assertThat(ourDelta.length).as("delta size").isLessThanOrEqualTo(rdiffDelta.length);
        } else {
            assertThat(ourDelta).as("delta").isEqualTo(rdiffDelta);
        }

        Files.write(dir.resolve("our.delta"), ourDelta);
        rdiff(List.of(), "patch", "basis", "our.delta", "patched-by-rdiff");
        assertThat(Files.readAllBytes(dir.resolve("patched-by-rdiff"))).as("rdiff patch of our delta")
                .isEqualTo(pair.newFile());
        assertThat(patch(basis, rdiffDelta)).as("our patch of rdiff's delta").isEqualTo(pair.newFile());
    }

    private void rdiff(List<String> options, String... args) throws Exception {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of(args));
        Rdiff.run(dir, all);
    }

    static byte[] signature(Path basis, SignatureParameters parameters) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(basis)) {
            Signature.write(in, parameters, out);
        }
        return out.toByteArray();
    }

    static byte[] delta(Path signatureFile, Path newFile) throws IOException {
        Signature signature;
        try (InputStream in = Files.newInputStream(signatureFile)) {
            signature = Signature.read(in);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(newFile)) {
            new DeltaWriter(signature).write(in, out);
        }
        return out.toByteArray();
    }

    static byte[] patch(Path basis, byte[] delta) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaPatcher.apply(basis, new ByteArrayInputStream(delta), out);
        return out.toByteArray();
    }

}
