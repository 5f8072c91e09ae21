package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 14: a restore that receives fewer objects or bytes than the listing promised FAILS; it never prints OK. */
class RestoreOutcomeTest {

    /** A listing of 3 objects, 300 bytes, and what came of them. */
    record Case(String name, List<SetRestore.Restored> results, boolean ok, String verdict) {
    }

    private static SetRestore.Restored whole(String key) {
        return new SetRestore.Restored(key, 100, false, 100, null);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("every object and byte", List.of(whole("a"), whole("b"), whole("c")), true,
                        "OK: 3 of 3 objects restored to /r (300 B downloaded, 0 already there)"),
                new Case("an object that never came back, no problem said", List.of(whole("a"), whole("b")), false,
                        "FAILED: 2 of 3 objects restored to /r (200 B downloaded, 0 already there); only 2 of the 3 listed objects came back;"
                                + " the files hold 200 of the 300 bytes listed"),
                new Case("fewer bytes on disk than listed, no problem said", List.of(whole("a"), whole("b"),
                        new SetRestore.Restored("c", 60, false, 60, null)), false,
                        "FAILED: 3 of 3 objects restored to /r (260 B downloaded, 0 already there); the files hold 260 of the 300 bytes listed"),
                new Case("one object failed", List.of(whole("a"), whole("b"), new SetRestore.Restored("c", 0, false, 0, "cut")), false,
                        "FAILED: 2 of 3 objects restored to /r (200 B downloaded, 0 already there); the files hold 200 of the 300 bytes listed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_restore_is_ok_only_with_every_listed_object_and_byte(Case c) {
        SetRestore.Outcome outcome = new SetRestore.Outcome("s3://b/sets/", Path.of("/r"), 3, 300, c.results());

        assertThat(outcome.ok()).isEqualTo(c.ok());
        assertThat(outcome.verdict()).isEqualTo(c.verdict());
    }

    @Test
    void an_empty_listing_is_never_ok() {
        SetRestore.Outcome outcome = new SetRestore.Outcome("s3://b/sets.g99/ (generation 99)", Path.of("/r"), 0, 0, List.of());

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.verdict()).isEqualTo("FAILED: nothing to restore: s3://b/sets.g99/ (generation 99) holds no objects"
                + " (check --generation and offsite.sync.prefix)");
    }
}
