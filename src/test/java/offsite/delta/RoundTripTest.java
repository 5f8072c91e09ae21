package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Signature, delta and patch in memory: the new file comes back, and deltas stay small where data is shared. */
class RoundTripTest {

    static Stream<Arguments> cases() {
        List<SignatureParameters> parameters = List.of(
                new SignatureParameters(SignatureKind.RABINKARP_BLAKE2, 256, 32),
                new SignatureParameters(SignatureKind.ROLLSUM_MD4, 512, 8),
                new SignatureParameters(SignatureKind.RABINKARP_MD4, 7, 4),
                new SignatureParameters(SignatureKind.ROLLSUM_BLAKE2, 4096, 16));
        return GeneratedPair.all().stream().flatMap(pair -> parameters.stream().map(p -> Arguments.of(pair, p)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void patching_with_the_delta_recreates_the_new_file(GeneratedPair pair, SignatureParameters parameters)
            throws IOException {
        byte[] delta = delta(pair.basis(), pair.newFile(), parameters, false);
        assertThat(patch(pair.basis(), delta)).isEqualTo(pair.newFile());
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void delta_does_not_depend_on_how_the_new_file_is_read(GeneratedPair pair, SignatureParameters parameters)
            throws IOException {
        assertThat(delta(pair.basis(), pair.newFile(), parameters, true))
                .isEqualTo(delta(pair.basis(), pair.newFile(), parameters, false));
    }

    @Test
    void delta_of_a_file_with_scattered_edits_is_mostly_copies() throws IOException {
        byte[] basis = GeneratedPair.random(20, 3_000_000);
        byte[] edited = GeneratedPair.edited(basis, 21);
        SignatureParameters parameters = SignatureParameters.rdiffDefaults(basis.length);

        byte[] delta = delta(basis, edited, parameters, false);

        assertThat(delta.length).isLessThan(edited.length / 4);
        assertThat(patch(basis, delta)).isEqualTo(edited);
    }

    @Test
    void identical_files_give_one_copy_command() throws IOException {
        byte[] basis = GeneratedPair.random(22, 1_000_000);
        byte[] delta = delta(basis, basis, SignatureParameters.rdiffDefaults(basis.length), false);
        // magic, COPY with 1-byte offset 0 and 4-byte length, END
        assertThat(delta).hasSize(4 + 1 + 1 + 4 + 1);
        assertThat(delta[4]).isEqualTo((byte) 0x47);
    }

    static byte[] delta(byte[] basis, byte[] newFile, SignatureParameters parameters, boolean trickle)
            throws IOException {
        ByteArrayOutputStream signature = new ByteArrayOutputStream();
        Signature.write(new ByteArrayInputStream(basis), parameters, signature);
        ByteArrayOutputStream delta = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(newFile);
        new DeltaWriter(Signature.read(new ByteArrayInputStream(signature.toByteArray())))
                .write(trickle ? new Trickle(in) : in, delta);
        return delta.toByteArray();
    }

    static byte[] patch(byte[] basis, byte[] delta) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaPatcher.apply(new InMemoryChannel(basis), new ByteArrayInputStream(delta), out);
        return out.toByteArray();
    }

    /** Hands out at most 3 bytes per read, like a slow pipe. */
    static final class Trickle extends FilterInputStream {
        Trickle(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 3));
        }
    }
}
