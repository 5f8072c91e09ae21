package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import offsite.store.EtagForm;
import offsite.store.Fallbacks;
import offsite.store.S3Bucket;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A deep check (`verify --deep`, run's restore test of the set) hashes a planned file here and its object downloaded:
 * bytes that differ from the object's ETag are a difference, unless the file or the object changed after the plan (the
 * backup application at work, a pass under way), which is a doubt: the plan's ETag no longer stands for either.
 */
class DeepCheckTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 11 * MB + 7, 1); // three parts
        assertThat(app.sync().status().name()).isEqualTo("OK");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** What happens to the planned file or its object before the deep check, and what the check must say. */
    record Change(String name, Damage damage, boolean doubt, String said) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Damage {
        PlannedFile apply(OffsiteHarness app, PlannedFile planned) throws Exception;
    }

    static Stream<Change> changes() {
        return Stream.of(
                new Change("the file edited after the plan, its size and modification time kept", DeepCheckTest::editKeepingTimes, true,
                        "not compared: the local file "),
                // without a change time (a file system that tells none) nothing tells the edit from a file the cache had wrong
                new Change("the same where the file system tells no change time", (a, f) -> withoutChangeTime(editKeepingTimes(a, f)),
                        false, "it changed without its size or modification time changing"),
                new Change("the object replaced in the bucket after the plan", DeepCheckTest::replaceObject, true,
                        "not compared: the object was replaced or deleted in the bucket while it was downloaded"),
                new Change("the object's bytes rotten in the service's store, its ETag kept", DeepCheckTest::rotObject, false,
                        "downloaded bytes hash to "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void bytes_that_differ_are_a_difference_unless_either_side_changed_after_the_plan(Change c) throws Exception {
        PlannedFile planned = app.dryRunPass().plan().files().get(0);
        PlannedFile checked = c.damage().apply(app, planned);
        SetVerify verify = new SetVerify(new S3Bucket(app.client, app.s3, new Fallbacks()), new UploadShape(5L * MB, 5L * MB),
                new EtagForm(EtagForm.Setting.AUTO, dir.resolve("opaque-etags.txt"), app.s3.bucket(), new Fallbacks()));

        List<SetVerify.Difference> found = verify.deep(List.of(checked), new RunProgress("deep check", SetVerify.deepBytes(List.of(checked))));

        assertThat(found).singleElement().satisfies(d -> {
            assertThat(d.doubt()).as(d.what()).isEqualTo(c.doubt());
            assertThat(d.what()).contains(c.said());
            // only an object whose bytes rotted, its file whole here, is one the next pass may send again
            assertThat(d.damaged()).isEqualTo(c.said().startsWith("downloaded bytes") ? planned.remote().etag() : null);
        });
    }

    /** One byte of the second part flipped, the size and modification time put back (the change time moves on). */
    static PlannedFile editKeepingTimes(OffsiteHarness app, PlannedFile planned) throws Exception {
        Path file = planned.local().path();
        FileTime mtime = Files.getLastModifiedTime(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[6 * MB] ^= 1;
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, mtime);
        return planned;
    }

    static PlannedFile withoutChangeTime(PlannedFile planned) {
        LocalFile seen = planned.local();
        return new PlannedFile(planned.action(), planned.key(), planned.size(), planned.reason(),
                new LocalFile(seen.relativePath(), seen.path(), seen.size(), seen.modified()), planned.remote());
    }

    static PlannedFile replaceObject(OffsiteHarness app, PlannedFile planned) {
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key(planned.key()), RequestBody.fromBytes(new byte[(int) planned.size()]));
        return planned;
    }

    static PlannedFile rotObject(OffsiteHarness app, PlannedFile planned) throws Exception {
        TestS3.rot(app.s3, planned.key(), 6 * MB);
        return planned;
    }
}
