package offsite.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A delta built piece by piece: ranges known to equal the basis copied unread, the rest matched; stock rdiff rebuilds it. */
class DeltaSessionTest {

    static final byte[] BASIS = GeneratedPair.random(31, 1_000_000);
    static final byte[] NEW_BYTES = GeneratedPair.random(32, 70_000);
    static final int BLOCK = SignatureParameters.recommendedBlockLength(BASIS.length);

    @TempDir
    Path dir;

    /** A piece of the new file: a range of the basis copied without being read, or bytes to match. */
    record Piece(long from, long length, byte[] data) {
        static Piece copy(long from, long length) {
            return new Piece(from, length, null);
        }

        static Piece data(byte[] source, int from, int to) {
            return new Piece(0, 0, Arrays.copyOfRange(source, from, to));
        }

        byte[] bytes() {
            return data != null ? data : Arrays.copyOfRange(BASIS, (int) from, (int) (from + length));
        }
    }

    /** The pieces in order, and the most bytes their delta may take. */
    record Case(String what, List<Piece> pieces, int maxDeltaBytes) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("the whole basis in contiguous copies: one command", List.of(Piece.copy(0, 300_000), Piece.copy(300_000, 700_000)), 4 + 9 + 1),
                new Case("copies out of order and repeated", List.of(Piece.copy(500_000, 1000), Piece.copy(0, 1000), Piece.copy(0, 1000)), 4 + 3 * 5 + 1),
                new Case("data equal to a range of the basis is found by matching (less a block at each end)",
                        List.of(Piece.data(BASIS, 1000, 201_000)), 2 * BLOCK + 64),
                new Case("new bytes between copies are literals", List.of(Piece.copy(0, 1000), Piece.data(NEW_BYTES, 0, 5000),
                        Piece.copy(1000, 5000)), 4 + 5 + 5003 + 5 + 1),
                new Case("a copy that continues a match joins it", List.of(Piece.data(BASIS, 0, 100 * BLOCK), Piece.copy(100 * BLOCK, 50_000)), 4 + 9 + 1),
                new Case("a match that continues a copy joins it", List.of(Piece.copy(0, 50 * BLOCK), Piece.data(BASIS, 50 * BLOCK, 150 * BLOCK)), 4 + 9 + 1),
                new Case("empty data and empty copies change nothing", List.of(Piece.data(NEW_BYTES, 0, 0), Piece.copy(7, 0),
                        Piece.data(NEW_BYTES, 0, 300), Piece.copy(9, 0)), 4 + 303 + 1),
                new Case("data shorter than a block, then a copy", List.of(Piece.data(BASIS, 5000, 5100), Piece.copy(0, 10)), 4 + 102 + 3 + 1),
                new Case("a long run of new bytes and basis bytes", List.of(Piece.data(NEW_BYTES, 0, 70_000), Piece.data(BASIS, 0, 1_000_000),
                        Piece.copy(3, 997_000)), 70_100));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stock_rdiff_and_the_patcher_rebuild_the_pieces_from_a_small_delta(Case c) throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        c.pieces().forEach(p -> expected.writeBytes(p.bytes()));

        byte[] delta = session(c.pieces());

        Files.write(dir.resolve("basis"), BASIS);
        Files.write(dir.resolve("delta"), delta);
        Rdiff.run(dir, List.of("patch", "basis", "delta", "new"));
        assertThat(Files.readAllBytes(dir.resolve("new"))).isEqualTo(expected.toByteArray());
        assertThat(RoundTripTest.patch(BASIS, delta)).isEqualTo(expected.toByteArray());
        assertThat(delta.length).isLessThanOrEqualTo(c.maxDeltaBytes());
    }

    @Test
    void a_session_of_data_alone_writes_the_same_delta_as_rdiff() throws Exception {
        byte[] edited = GeneratedPair.edited(BASIS, 33);

        byte[] pieces = session(List.of(Piece.data(edited, 0, 123_457), Piece.data(edited, 123_457, edited.length)));

        assertThat(pieces).isEqualTo(RoundTripTest.delta(BASIS, edited, SignatureParameters.rdiffDefaults(BASIS.length), false));
    }

    static byte[] session(List<Piece> pieces) throws Exception {
        ByteArrayOutputStream signature = new ByteArrayOutputStream();
        Signature.write(new ByteArrayInputStream(BASIS), SignatureParameters.rdiffDefaults(BASIS.length), signature);
        ByteArrayOutputStream delta = new ByteArrayOutputStream();
        DeltaWriter.Session session = new DeltaWriter(Signature.read(new ByteArrayInputStream(signature.toByteArray()))).open(delta);
        for (Piece p : pieces) {
            if (p.data() != null) {
                session.data().write(p.data());
            } else {
                session.copy(p.from(), p.length());
            }
        }
        session.finish();
        return delta.toByteArray();
    }
}
