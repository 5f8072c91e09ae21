package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import offsite.faults.FaultProxy;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.SentWrites.Sent;
import offsite.testing.CephRgw;
import offsite.testing.OffsiteHarness;
import offsite.testing.S3Implementation;
import offsite.testing.S3rver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * offsite.s3.storage-class end to end, the requests watched at a fault proxy in front of S3Proxy: every data object a
 * sync, a groom night and an image backup create carries the class, no state object does, the empty default sends
 * none anywhere, a change sends nothing again, and a service that refuses the class names the setting.
 */
class StorageClassPassesTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;
    FaultProxy proxy;
    SentWrites sent;

    @BeforeEach
    void start() throws Exception {
        app = new OffsiteHarness(dir);
        proxy = new FaultProxy(app.s3.endpoint().getPort());
        sent = new SentWrites(proxy);
        app.set("offsite.s3.endpoint", "http://127.0.0.1:" + proxy.port());
        app.write("Members/AA000001.rdb", 12 * MB + 3, 1); // three parts
        app.write("Members/AA000002.rdb", 2 * MB, 2);
        app.write("Set A.rbc", 999, 3);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        app.close();
    }

    /** The setting's value, and whether the service copies (else the trash gets a download and upload). */
    record Case(String storageClass, boolean copies) {
        @Override
        public String toString() {
            return "'" + storageClass + "', " + (copies ? "the service copies" : "the service cannot copy");
        }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("STANDARD_IA", true), new Case("GLACIER_IR", false), new Case("", true), new Case("", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void data_objects_are_sent_in_the_class_and_state_objects_never(Case c) throws Exception {
        app.set("offsite.s3.storage-class", c.storageClass()).set("offsite.sync.delete", "true");
        if (!c.copies()) {
            proxy.refuse(r -> r.hasHeader("x-amz-copy-source"), 501, "NotImplemented");
        }
        SyncReport first = app.sync();
        // a groom night: one chunk rewritten (its old copy to the trash), one deleted (moved to the trash)
        app.write("Members/AA000002.rdb", 3 * MB, 102);
        Files.delete(app.source.resolve("Set A.rbc"));
        SyncReport groom = app.sync();
        Path machine = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(machine.resolve("hostname"), "excalibur\n");
        OffsiteHarness.CommandResult image = app.set("offsite.image.roots", dir.resolve("machine").toString()).command("image");

        assertThat(first.status()).as(first.headline()).isEqualTo(RunStatus.OK);
        assertThat(groom.status()).as(groom.headline()).isEqualTo(RunStatus.OK);
        assertThat(image.exit()).as(image.out()).isZero();
        List<Sent> data = Stream.of(sent.of("PutObject", "sets/"), sent.of("CreateMultipartUpload", "sets/"), sent.of("CopyObject", "trash/"),
                sent.of("PutObject", "trash/"), sent.of("PutObject", "images/")).flatMap(List::stream)
                .filter(s -> !s.key().endsWith("/manifest.json") && !s.key().contains("/claimed-by-")).toList();
        List<Sent> state = sent.all().stream().filter(s -> s.key().endsWith(".lease.json") || s.key().endsWith(".generations.json")
                || s.key().endsWith("/manifest.json") || s.key().contains("/claimed-by-")).toList();
        assertThat(data).extracting(Sent::key).as("every kind of data object was created")
                .anyMatch(k -> k.equals("sets/Members/AA000001.rdb")).anyMatch(k -> k.equals("sets/Set A.rbc"))
                .anyMatch(k -> k.startsWith("trash/") && k.endsWith("/sets/Set A.rbc")).anyMatch(k -> k.startsWith("images/"));
        assertThat(sent.of(c.copies() ? "CopyObject" : "PutObject", "trash/")).as("the trash by copy, or by download and upload").isNotEmpty();
        assertThat(state).extracting(Sent::key).as("every kind of state object was written")
                .anyMatch(k -> k.equals("sets.lease.json")).anyMatch(k -> k.equals("sets.generations.json")).anyMatch(k -> k.endsWith("manifest.json"))
                .anyMatch(k -> k.contains("/claimed-by-"));
        String expected = c.storageClass().isEmpty() ? null : c.storageClass();
        assertThat(data).allSatisfy(s -> assertThat(s.storageClass()).as(s.toString()).isEqualTo(expected));
        assertThat(state).allSatisfy(s -> assertThat(s.storageClass()).as(s.toString()).isNull());
        if (expected == null) {
            assertThat(sent.all()).as("no request carries the header").allSatisfy(s -> assertThat(s.storageClass()).as(s.toString()).isNull());
        }
    }

    @Test
    void a_changed_class_sends_nothing_again_and_only_new_objects_take_it() throws Exception {
        SyncReport before = app.sync();
        sent.clear();

        app.set("offsite.s3.storage-class", "STANDARD_IA");
        SyncReport unchanged = app.sync();
        app.write("Members/AA000003.rdb", MB, 4);
        SyncReport added = app.sync();

        assertThat(before.status()).as(before.headline()).isEqualTo(RunStatus.OK);
        assertThat(unchanged.status()).as(unchanged.headline()).isEqualTo(RunStatus.OK);
        assertThat(unchanged.uploaded().files()).isZero();
        assertThat(added.uploaded().files()).isOne();
        assertThat(sent.of("PutObject", "sets/")).extracting(Sent::key, Sent::storageClass)
                .containsExactly(tuple("sets/Members/AA000003.rdb", "STANDARD_IA"));
        assertThat(sent.of("CreateMultipartUpload", "sets/")).isEmpty();
        assertThat(sent.of("CopyObject", "")).isEmpty();
        assertThat(storedClass("sets/Members/AA000001.rdb")).as("kept as stored").isIn(null, "STANDARD");
        assertThat(storedClass("sets/Members/AA000003.rdb")).isEqualTo("STANDARD_IA");
    }

    private String storedClass(String key) {
        return app.client.headObject(b -> b.bucket(app.s3.bucket()).key(key)).storageClassAsString();
    }

    /** A real service that refuses a class, the class, and the status and code it answers. */
    record Refusing(S3Implementation implementation, String storageClass, String answer) {
        @Override
        public String toString() {
            return implementation + " refusing " + storageClass;
        }
    }

    static Stream<Refusing> refusing() {
        // s3rver knows no GLACIER_IR; Ceph RGW's default placement has no class but STANDARD, and says so without words
        return Stream.of(new Refusing(S3rver.IMPLEMENTATION, "GLACIER_IR", "400 InvalidStorageClass: The storage class you specified is not valid"),
                new Refusing(CephRgw.IMPLEMENTATION, "STANDARD_IA", "400 InvalidArgument"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusing")
    void a_service_that_refuses_the_class_fails_the_pass_naming_the_setting_and_the_value(Refusing r) throws Exception {
        try (OffsiteHarness other = new OffsiteHarness(dir.resolve("other"), r.implementation().bucket())) {
            other.write("Members/AA000001.rdb", 6 * MB, 1); // two parts
            other.write("Set A.rbc", 999, 3);
            other.set("offsite.s3.storage-class", r.storageClass());

            Files.writeString(Files.createDirectories(dir.resolve("machine/etc")).resolve("hostname"), "excalibur\n");

            OffsiteHarness.CommandResult sync = other.command("sync");
            OffsiteHarness.CommandResult image = other.set("offsite.image.roots", dir.resolve("machine").toString()).command("image");

            String named = "offsite.s3.storage-class: the S3 service refuses storage class '" + r.storageClass() + "' (" + r.answer()
                    + "): set a class it offers, or leave offsite.s3.storage-class empty for its default class";
            for (OffsiteHarness.CommandResult run : List.of(sync, image)) {
                assertThat(run.exit()).as(run.out()).isNotZero();
                assertThat(run.out()).contains(named).doesNotContain("Exception", "\tat ");
                assertThat(run.out()).as("no fallback taken for it").doesNotContain("Content-MD5", "download and upload");
            }
            assertThat(sync.out().lines().findFirst().orElse("")).as("the headline").contains(named);
            assertThat(other.bucketFiles("sets/")).isEmpty();
            assertThat(other.bucketFiles("images/")).isEmpty();
        }
    }
}
