package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.Fallbacks;
import offsite.store.RemoteObject;
import offsite.store.S3Bucket;
import offsite.store.UnansweredRequests;
import offsite.testing.OffsiteHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;

/** restore-set and verify through the real command line, against S3Proxy. */
class RestoreAndVerifyTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void mirror() throws Exception {
        app = new OffsiteHarness(dir);
        app.write("Members/AA000001.rdb", 11 * MB + 7, 1); // three parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
        assertThat(app.sync().status().name()).isEqualTo("OK");
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private Bucket bucket() {
        return new S3Bucket(app.client, app.s3, new Fallbacks());
    }

    private RemoteObject listed(String key) {
        return bucket().list("sets/").stream().filter(o -> o.key().equals(key)).findFirst().orElseThrow();
    }

    /** The restore bean as the command builds it, on the harness's bucket. */
    private SetRestore setRestore() {
        return setRestore(EtagForm.Setting.AUTO);
    }

    /** The restore bean with offsite.s3.etag as given. */
    private SetRestore setRestore(EtagForm.Setting etags) {
        return new SetRestore(bucket(), new UploadShape(5L * MB, 5L * MB), new BandwidthLimiter(BandwidthSchedule.parse(""),
                Clock.systemUTC()), streams, new EtagForm(etags, dir.resolve("opaque-etags.txt"), app.s3.bucket(), new Fallbacks()),
                new StoppedStore(new UnansweredRequests(), 3, 2, null)); // no request goes through its counter: never stopped
    }

    private final ExecutorService streams = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopStreams() {
        streams.shutdownNow();
    }

    @Test
    void a_set_holding_a_name_and_that_name_with_offsite_part_restores_both_byte_for_byte_also_when_resumed() throws Exception {
        app.write("data.rdb", 3 * MB, 4);
        app.write("data.rdb.offsite-part", 2 * MB + 1, 5); // the name the restore once used for the first one's partial download
        assertThat(app.sync().status().name()).isEqualTo("OK");
        Path target = dir.resolve("restored");
        OffsiteHarness.CommandResult whole = app.command("restore-set", "--to", target.toString());
        assertThat(whole.out()).contains("OK: 5 of 5 objects restored");
        // an interrupted restore that had brought back all but data.rdb
        Files.delete(target.resolve("data.rdb"));
        Files.createDirectories(target.resolve(SetRestore.WORK));

        OffsiteHarness.CommandResult resumed = app.command("restore-set", "--to", target.toString());

        assertThat(resumed.exit()).as(resumed.out()).isZero();
        assertThat(resumed.out()).contains("OK: 5 of 5 objects restored", "(3.0 MiB downloaded, 4 already there)");
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
    }

    /** A restore of something that holds nothing: a generation that does not exist, a mistyped prefix. */
    record Nothing(String name, String setting, String value, String[] args, String expected) {
    }

    static Stream<Nothing> nothings() {
        return Stream.of(
                new Nothing("a generation that does not exist", null, null, new String[] {"--generation", "99"},
                        "/sets.g99/ (generation 99) holds no objects"),
                new Nothing("a mistyped prefix", "offsite.sync.prefix", "set/", new String[0], "/set/ holds no objects"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nothings")
    void a_restore_of_a_generation_or_prefix_that_holds_nothing_fails(Nothing c) throws Exception {
        if (c.setting() != null) {
            app.set(c.setting(), c.value());
        }
        Path target = dir.resolve("restored");
        String[] args = Stream.concat(Stream.of("restore-set", "--to", target.toString()), Stream.of(c.args())).toArray(String[]::new);

        OffsiteHarness.CommandResult result = app.command(args);

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("FAILED: nothing to restore: s3://" + app.s3.bucket() + c.expected())
                .doesNotContain("OK");
    }

    @Test
    void verify_names_every_difference_even_when_most_of_the_set_changed() throws Exception {
        for (String key : app.sourceFiles().keySet()) { // all rewritten in place, as ransomware would
            Path file = app.source.resolve(key);
            long size = Files.size(file);
            app.write(key, (int) size, 99);
        }

        OffsiteHarness.CommandResult result = app.command("verify");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).doesNotContain("REFUSED");
        assertThat(result.out().lines().filter(l -> l.contains(": differs:") || l.contains("ETag"))).hasSize(app.sourceFiles().size());
        assertThat(result.out()).contains("FAILED: " + app.sourceFiles().size() + " difference(s)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sync", "verify"})
    void a_mirror_with_no_source_set_stops_both_commands_alike(String command) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = app.set("offsite.sync.source", "").command(command).exit();
        } finally {
            System.setErr(original);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("offsite: offsite.sync.source is empty: the backup-set mirror is off");
    }

    @Test
    void a_negative_deep_check_is_refused_rather_than_skipped() throws Exception {
        OffsiteHarness.CommandResult result = app.command("verify", "--deep", "-3");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).doesNotContain("OK");
    }

    @ParameterizedTest(name = "--generation {0}")
    @ValueSource(strings = {"0", "-1"})
    void a_generation_number_below_1_is_refused_before_anything_is_read(String number) throws Exception {
        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", dir.resolve("restored").toString(), "--generation", number);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(dir.resolve("restored")).doesNotExist();
    }

    @Test
    void stray_partial_files_do_not_pass_for_an_interrupted_restore_and_no_file_is_replaced_without_overwrite() throws Exception {
        Path target = Files.createDirectories(dir.resolve("restored"));
        Files.writeString(target.resolve("notes.txt"), "mine");
        Files.createDirectories(target.resolve("Members"));
        Files.writeString(target.resolve("Members/AA000001.rdb.offsite-part"), "a stray partial file of an older version");
        Files.writeString(target.resolve("Set A.rbc"), "my own Set A.rbc");

        OffsiteHarness.CommandResult refused = app.command("restore-set", "--to", target.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(Files.readString(target.resolve("Set A.rbc"))).isEqualTo("my own Set A.rbc");

        Files.createDirectories(target.resolve(SetRestore.WORK)); // an interrupted restore: resumed, yet nothing replaced
        OffsiteHarness.CommandResult resumed = app.command("restore-set", "--to", target.toString());

        assertThat(resumed.exit()).as(resumed.out()).isEqualTo(1);
        assertThat(resumed.out()).contains("sets/Set A.rbc: " + target.resolve("Set A.rbc") + " is there with other content: not replaced;"
                + " add --overwrite to replace it").contains("FAILED: 2 of 3 objects restored");
        assertThat(Files.readString(target.resolve("Set A.rbc"))).isEqualTo("my own Set A.rbc");
        assertThat(Files.readString(target.resolve("notes.txt"))).isEqualTo("mine");

        OffsiteHarness.CommandResult overwritten = app.command("restore-set", "--to", target.toString(), "--overwrite");
        assertThat(overwritten.exit()).as(overwritten.out()).isZero();
        assertThat(OffsiteHarness.digests(target)).containsAllEntriesOf(app.sourceFiles()).containsKey("notes.txt");
    }

    /** A symbolic link in the target where the restore would write. */
    record Link(String name, boolean outside, boolean dangling) {
    }

    static Stream<Link> links() {
        return Stream.of(new Link("a folder linked outside the target", true, false),
                new Link("a dangling link", false, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("links")
    void a_symbolic_link_in_the_target_never_lets_a_key_write_outside_it_and_is_named(Link c) throws Exception {
        Path target = Files.createDirectories(dir.resolve("restored"));
        Path outside = dir.resolve("outside");
        if (!c.dangling()) {
            Files.createDirectories(outside);
        }
        Path link = Files.createSymbolicLink(target.resolve("Members"), outside);

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString(), "--overwrite");

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        assertThat(result.out()).contains("sets/Members/AA000001.rdb: " + link + " is a symbolic link to " + outside)
                .contains("nothing is written through it").contains("FAILED: 1 of 3 objects restored");
        assertThat(outside).as("nothing written outside the target").satisfiesAnyOf(
                p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
        assertThat(target.resolve("Set A.rbc")).exists();
    }

    /** A link planted in an interrupted restore's work folder, under the name a partial download would resume from. */
    record Planted(String name, boolean hard) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Planted> planted() {
        return Stream.of(new Planted("a symbolic link to a file outside the target", false),
                new Planted("a hard link to a file outside the target", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("planted")
    void a_link_planted_where_a_partial_download_would_resume_is_never_written_through(Planted c) throws Exception {
        Path target = Files.createDirectories(dir.resolve("restored"));
        Path work = Files.createDirectories(target.resolve(SetRestore.WORK));
        byte[] outside = "a file outside the target\n".getBytes(StandardCharsets.UTF_8);
        Path victim = Files.write(dir.resolve("victim"), outside);
        Path part = SetRestore.partialFile(work, listed("sets/Set A.rbc"));
        if (c.hard()) {
            Files.createLink(part, victim);
        } else {
            Files.createSymbolicLink(part, victim);
        }

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(victim).as("nothing written outside the target").hasBinaryContent(outside);
        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("OK: 3 of 3 objects restored");
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
    }

    @Test
    void a_restore_that_gets_fewer_objects_or_bytes_than_the_listing_promised_fails_naming_them() throws Exception {
        List<RemoteObject> listing = bucket().list("sets/");
        // after the listing: one object deleted, one replaced by fewer bytes
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("sets/Set A.rbc"));
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets/Members/AA000002.rdb"), RequestBody.fromBytes(new byte[1000]));
        Path target = dir.resolve("restored");

        SetRestore.Outcome outcome = setRestore().restore(listing, "s3://" + app.s3.bucket() + "/sets/", "sets/", target, false,
                new RunProgress(0));

        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.verdict()).startsWith("FAILED: 1 of 3 objects restored").contains("the files hold " + (11 * MB + 7) + " of the "
                + (11 * MB + 7 + 2 * MB + 999) + " bytes listed");
        assertThat(outcome.problems()).anySatisfy(p -> assertThat(p).startsWith("sets/Set A.rbc: "))
                .anySatisfy(p -> assertThat(p).startsWith("sets/Members/AA000002.rdb: the download brought 1000 bytes, the listing promised "
                        + 2 * MB));
        assertThat(target.resolve("Members/AA000002.rdb")).doesNotExist();
    }

    @Test
    void a_restore_with_overwrite_names_the_files_it_left_that_are_not_in_the_set() throws Exception {
        Path target = Files.createDirectories(dir.resolve("restored/Members"));
        Files.writeString(target.resolve("AA000002.rdb"), "an older copy of a file of the set");
        Files.writeString(target.resolve("AA000099.rdb"), "a chunk the set no longer holds");

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.getParent().toString(), "--overwrite");

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("note: 1 file(s) in " + target.getParent() + " are not in the set and were left as they were:"
                + " Members/AA000099.rdb (restore into an empty directory for the set alone)", "OK: 3 of 3 objects restored");
        assertThat(target.resolve("AA000099.rdb")).hasContent("a chunk the set no longer holds");
        assertThat(OffsiteHarness.digests(target.getParent())).containsAllEntriesOf(app.sourceFiles());
    }

    @Test
    void a_restore_of_a_set_that_lost_objects_since_the_last_pass_fails_naming_them_even_when_every_listed_one_came_back()
            throws Exception {
        // deleted outside Offsite after the pass (a lifecycle rule, another client): the listing no longer names it
        app.client.deleteObject(b -> b.bucket(app.s3.bucket()).key("sets/Set A.rbc"));
        Path target = dir.resolve("restored");

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(result.exit()).as(result.out()).isEqualTo(1);
        String verdict = result.out().lines().filter(l -> l.startsWith("FAILED: ") || l.startsWith("OK: ")).findFirst().orElse("");
        assertThat(verdict).startsWith("FAILED: 2 of 2 objects restored").contains(
                "; but the bucket lacks 1 of the 3 objects the last pass (", ") left under sets/ (named above): deleted or replaced since");
        assertThat(result.out()).contains("  missing: sets/Set A.rbc (999 bytes when the last pass (");
        assertThat(target.resolve("Members/AA000002.rdb")).exists();

        // the next pass puts it back and records the set as it left it: the restore is whole again
        assertThat(app.sync().status().name()).isEqualTo("OK");
        OffsiteHarness.CommandResult again = app.command("restore-set", "--to", dir.resolve("again").toString());
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(again.out()).contains("OK: 3 of 3 objects restored");
    }

    /**
     * An object whose ETag is in one form or another, with or without the MD5 stored in its metadata at upload, on a
     * service whose ETags are known to be no MD5s (opaque) or not.
     */
    record EtagCase(String name, String etag, String md5chksum, boolean opaque, boolean restored) {
    }

    static Stream<EtagCase> etagForms() {
        String rightMd5 = "right";
        String md5Like = "0123456789abcdef0123456789abcdef";
        return Stream.of(
                new EtagCase("an MD5 ETag that matches", null, null, false, true),
                new EtagCase("an MD5 ETag that does not match", md5Like, null, false, false),
                new EtagCase("an ETag that is no MD5 (SSE-KMS, some services), the stored MD5 matches", "kms:0123", rightMd5, false, true),
                new EtagCase("an ETag that is no MD5, the stored MD5 differs", "kms:0123", "AAAAAAAAAAAAAAAAAAAAAA==", false, false),
                new EtagCase("an ETag that is no MD5 and nothing stored: the size alone", "kms:0123", null, false, true),
                new EtagCase("ETags known opaque, one that looks like an MD5 and nothing stored: the size alone", md5Like, null, true, true),
                new EtagCase("ETags known opaque, the stored MD5 matches", md5Like, rightMd5, true, true),
                new EtagCase("ETags known opaque, the stored MD5 differs though the ETag is the bytes' MD5", null, "AAAAAAAAAAAAAAAAAAAAAA==",
                        true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("etagForms")
    void every_restored_file_is_checked_against_its_etag_or_where_that_is_no_md5_its_stored_md5_and_size(EtagCase c) throws Exception {
        byte[] bytes = Files.readAllBytes(app.source.resolve("Set A.rbc"));
        String md5 = Base64.getEncoder().encodeToString(LocalEtag.md5().digest(bytes));
        Map<String, String> metadata = c.md5chksum() == null ? Map.of() : Map.of("md5chksum", c.md5chksum().equals("right") ? md5 : c.md5chksum());
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets/Set A.rbc").metadata(metadata), RequestBody.fromBytes(bytes));
        RemoteObject stored = listed("sets/Set A.rbc");
        RemoteObject asListed = c.etag() == null ? stored : new RemoteObject(stored.key(), stored.size(), c.etag(), stored.lastModified());
        Path target = dir.resolve("restored");

        SetRestore.Outcome outcome = setRestore(c.opaque() ? EtagForm.Setting.OPAQUE : EtagForm.Setting.AUTO).restore(List.of(asListed), "s3://" + app.s3.bucket() + "/sets/", "sets/", target, false,
                new RunProgress(0));

        assertThat(outcome.ok()).as(outcome.verdict() + outcome.problems()).isEqualTo(c.restored());
        assertThat(target.resolve("Set A.rbc")).satisfies(p -> {
            if (c.restored()) {
                assertThat(p).hasBinaryContent(bytes);
            } else {
                assertThat(p).doesNotExist();
            }
        });
    }

    @Test
    void restore_set_brings_back_every_file_byte_for_byte() throws Exception {
        Path target = dir.resolve("restored");

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("OK: 3 of 3 objects restored");
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
    }

    @Test
    void an_interrupted_restore_resumes_and_a_full_directory_is_refused() throws Exception {
        Path target = dir.resolve("restored");
        app.command("restore-set", "--to", target.toString());
        // simulate a cut: one file half downloaded, one missing
        Path big = target.resolve("Members/AA000001.rdb");
        byte[] half = Arrays.copyOf(Files.readAllBytes(big), 4 * MB);
        Files.delete(big);
        RemoteObject stored = listed("sets/Members/AA000001.rdb");
        Files.write(Files.createDirectories(target.resolve(SetRestore.WORK)).resolve(SetRestore.partialFile(target.resolve(SetRestore.WORK),
                stored).getFileName()), half);
        Files.delete(target.resolve("Set A.rbc"));

        OffsiteHarness.CommandResult resumed = app.command("restore-set", "--to", target.toString());

        assertThat(resumed.exit()).as(resumed.out()).isZero();
        assertThat(resumed.out()).contains("OK: 3 of 3 objects restored", "(7.0 MiB downloaded, 1 already there)");
        assertThat(OffsiteHarness.digests(target)).isEqualTo(app.sourceFiles());
        assertThat(target.resolve(SetRestore.WORK)).as("a finished restore leaves only the set").doesNotExist();
        assertThat(app.command("restore-set", "--to", target.toString()).exit()).as("a complete, non-empty directory").isEqualTo(2);
    }

    @Test
    void verify_names_each_difference_and_exits_non_zero() throws Exception {
        assertThat(app.command("verify", "--deep", "2").exit()).isZero();

        app.write("Members/AA000002.rdb", 2 * MB, 22); // same size, other bytes
        Files.delete(app.source.resolve("Set A.rbc"));
        OffsiteHarness.CommandResult result = app.command("verify");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.out()).contains("sets/Members/AA000002.rdb: differs").contains("sets/Set A.rbc: only in the bucket")
                .contains("FAILED: 2 difference(s)");
    }

    /** A change to the mirrored set, made before verify runs. */
    @FunctionalInterface
    interface SetChange {
        void apply(OffsiteHarness app) throws Exception;
    }

    /** A local file the mirror leaves alone for a reason of its own, and what verify must say of it. */
    record LeftAlone(String name, SetChange change, int exit, String verdict, String line) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The file's modification time now: a file still being written (offsite.sync.stable-for). */
    private static void beingWritten(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    }

    static Stream<LeftAlone> leftAlone() {
        String folder = "f".repeat(250);
        String tooLong = String.join("/", folder, folder, folder, folder) + "/chunk-000000001.rdb"; // "sets/" and this: 1,028 bytes
        return Stream.of(
                new LeftAlone("a file truncated to nothing, held back", app -> {
                    Path file = app.source.resolve("Members/AA000002.rdb");
                    Files.write(file, new byte[0]);
                    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
                }, 1, "FAILED: 1 difference(s) in 3 files and objects",
                        "sets/Members/AA000002.rdb: differs: size 2097152 -> 0, held back by the mirror: shrank from 2.0 MiB to 0 B"),
                new LeftAlone("a file whose key would pass S3's 1,024 bytes, held back and never sent", app -> app.write(tooLong, 1000, 4), 1,
                        "FAILED: 1 difference(s) in 4 files and objects", "/chunk-000000001.rdb: missing from the bucket, held back by the mirror:"
                        + " its key would be longer than S3's 1024 bytes"),
                new LeftAlone("a new file still being written", app -> beingWritten(app.write("Members/AA000003.rdb", 1000, 5)), 1,
                        "FAILED: 1 difference(s) in 4 files and objects",
                        "sets/Members/AA000003.rdb: missing from the bucket (modified within offsite.sync.stable-for: still being written)"),
                new LeftAlone("a stored file being rewritten at another size", app -> beingWritten(app.write("Set A.rbc", 500, 6)), 1,
                        "FAILED: 1 difference(s) in 3 files and objects",
                        "sets/Set A.rbc: differs: size 999 -> 500 (modified within offsite.sync.stable-for: still being written)"),
                new LeftAlone("a stored file being rewritten at its size", app -> beingWritten(app.write("Set A.rbc", 999, 7)), 0,
                        "WARN: 0 difference(s) in 3 files and objects, 1 not compared (still being written, or changed while checked)",
                        "sets/Set A.rbc: not compared: modified within offsite.sync.stable-for: still being written; the bucket holds an object"
                        + " of its size"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("leftAlone")
    void verify_counts_a_file_the_mirror_left_alone_as_a_difference_when_the_bucket_lacks_it_and_never_says_ok_for_it(LeftAlone c)
            throws Exception {
        c.change().apply(app);

        OffsiteHarness.CommandResult result = app.command("verify");

        assertThat(result.exit()).as(result.out()).isEqualTo(c.exit());
        assertThat(result.out()).contains(c.line()).contains(c.verdict()).doesNotContain("OK:");
    }

}
