package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import offsite.store.Bucket;
import offsite.store.Fallbacks;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.testing.TestS3;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The trash never takes a copy over another: the documented names, and the next free one beside a taken name. */
class TrashKeysTest {

    private static final Instant AT = Instant.parse("2026-11-23T23:41:07Z");

    /** What the trash holds already, and where the next copy of sets/cat.rbc made at AT goes. */
    record Case(String name, List<String> stored, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("the day's first copy takes the key's own name", List.of(), "trash/2026-11-23/sets/cat.rbc"),
                new Case("a copy of another day or key leaves the name free",
                        List.of("trash/2026-11-22/sets/cat.rbc", "trash/2026-11-23/sets/cat.rbc.bak", "trash/2026-11-23/sets/dog.rbc"),
                        "trash/2026-11-23/sets/cat.rbc"),
                new Case("a later copy that day goes beside it, with the UTC time", List.of("trash/2026-11-23/sets/cat.rbc"),
                        "trash/2026-11-23/sets/cat.rbc.~234107~"),
                new Case("a third within the same second is numbered",
                        List.of("trash/2026-11-23/sets/cat.rbc", "trash/2026-11-23/sets/cat.rbc.~234107~"),
                        "trash/2026-11-23/sets/cat.rbc.~234107-2~"),
                new Case("and a fourth", List.of("trash/2026-11-23/sets/cat.rbc", "trash/2026-11-23/sets/cat.rbc.~234107~",
                        "trash/2026-11-23/sets/cat.rbc.~234107-2~"), "trash/2026-11-23/sets/cat.rbc.~234107-3~"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_copy_goes_to_the_first_name_of_its_day_that_holds_nothing(Case c) {
        S3Settings s3 = TestS3.freshBucket();
        try (S3Client client = S3ClientFactory.create(s3)) {
            for (String key : c.stored()) {
                client.putObject(b -> b.bucket(s3.bucket()).key(key), RequestBody.fromString("kept earlier"));
            }
            Bucket bucket = new S3Bucket(client, s3, new Fallbacks());
            TrashKeys keys = new TrashKeys(bucket, "trash/", Clock.fixed(AT, ZoneOffset.UTC));

            assertThat(keys.firstOfDay("sets/cat.rbc")).isEqualTo("trash/2026-11-23/sets/cat.rbc");
            assertThat(keys.unused("sets/cat.rbc")).isEqualTo(c.expected());
        }
    }
}
