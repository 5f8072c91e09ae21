package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import offsite.config.SettingError;
import offsite.config.Settings;
import offsite.faults.FaultProxy;
import offsite.store.Bucket.Body;
import offsite.store.Bucket.StoredPart;
import offsite.testing.FaultyS3;
import offsite.testing.S3Implementation;
import offsite.testing.S3rver;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * offsite.s3.storage-class through the seam: the classes read at once are taken and the others refused at start, data
 * objects (PUTs, multipart uploads, copies) are stored in the class, state objects in the service's default.
 */
class StorageClassTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** A value of the setting, and the class read from it or the words its refusal must hold. */
    record Setting(String value, StorageClass read, List<String> refusal) {
        static Setting taken(String value, StorageClass read) {
            return new Setting(value, read, List.of());
        }

        static Setting refused(String value, String... words) {
            return new Setting(value, null, List.of(words));
        }

        @Override
        public String toString() {
            return "'" + value + "'";
        }
    }

    static Stream<Setting> settings() {
        return Stream.of(
                Setting.taken("", null),
                Setting.taken("STANDARD", StorageClass.STANDARD),
                Setting.taken("STANDARD_IA", StorageClass.STANDARD_IA),
                Setting.taken(" standard_ia ", StorageClass.STANDARD_IA),
                Setting.taken("ONEZONE_IA", StorageClass.ONEZONE_IA),
                Setting.taken("INTELLIGENT_TIERING", StorageClass.INTELLIGENT_TIERING),
                Setting.taken("GLACIER_IR", StorageClass.GLACIER_IR),
                Setting.taken("REDUCED_REDUNDANCY", StorageClass.REDUCED_REDUNDANCY),
                Setting.refused("GLACIER", "offsite.s3.storage-class: 'GLACIER' is not valid (expected empty", "STANDARD_IA",
                        "cannot be read without a restore request", "restore-set", "GLACIER_IR is read at once", "lifecycle rule"),
                Setting.refused("deep_archive", "offsite.s3.storage-class: 'deep_archive' is not valid",
                        "DEEP_ARCHIVE objects cannot be read without a restore request", "trash moves copy them"),
                Setting.refused("EXPRESS_ONEZONE", "'EXPRESS_ONEZONE' is not valid", "directory buckets"),
                Setting.refused("standard-ia", "'standard-ia' is not valid", "GLACIER_IR, REDUCED_REDUNDANCY",
                        "classes whose objects can be read at once"),
                Setting.refused("COLD", "'COLD' is not valid", "one of STANDARD, STANDARD_IA"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void the_classes_read_at_once_are_taken_and_the_others_refused_naming_the_setting(Setting s) throws IOException {
        assertThat(PackedSettings.defaults().getProperty(StorageClass.SETTING)).as("the default").isEmpty();
        Settings settings = PackedSettings.with(Map.of(StorageClass.SETTING, s.value()));
        if (s.refusal().isEmpty()) {
            assertThat(S3SettingsReader.from(settings).storageClass()).isEqualTo(s.read());
        } else {
            assertThatThrownBy(() -> S3SettingsReader.from(settings)).isInstanceOf(SettingError.class)
                    .hasMessageContainingAll(s.refusal().toArray(String[]::new));
        }
    }

    /** A server that stores the class it is sent and names it back, and the class asked for there. */
    record Server(S3Implementation implementation, StorageClass storageClass) {
        @Override
        public String toString() {
            return implementation + ", " + storageClass;
        }
    }

    static Stream<Server> storingServers() {
        return Stream.of(new Server(TestS3.IMPLEMENTATION, StorageClass.STANDARD_IA), new Server(TestS3.IMPLEMENTATION, StorageClass.GLACIER_IR),
                new Server(S3rver.IMPLEMENTATION, StorageClass.ONEZONE_IA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storingServers")
    void data_objects_are_stored_in_the_class_and_state_objects_in_the_default(Server server) {
        S3Settings settings = server.implementation().bucket().withStorageClass(server.storageClass());
        S3Client client = client(settings);
        Bucket bucket = seam(settings, client, S3Bucket.MAX_COPY);
        byte[] bytes = bytes(6 * MB, 1);

        bucket.put("sets/single.rdb", Body.of(bytes), null, Map.of());
        bucket.put("sets.lease.json", Body.of("{}".getBytes()), null, Map.of(), Bucket.Kind.STATE);
        String uploadId = bucket.createUpload("sets/multi.rdb", Map.of(Bucket.PART_SIZE_METADATA, String.valueOf(5 * MB)));
        String first = bucket.uploadPart("sets/multi.rdb", uploadId, 1, part(bytes, 0, 5 * MB), null);
        String second = bucket.uploadPart("sets/multi.rdb", uploadId, 2, part(bytes, 5 * MB, MB), null);
        bucket.completeUpload("sets/multi.rdb", uploadId, List.of(new StoredPart(1, 5 * MB, first), new StoredPart(2, MB, second)));

        assertThat(storedClass(client, settings, "sets/single.rdb")).isEqualTo(server.storageClass().name());
        assertThat(storedClass(client, settings, "sets/multi.rdb")).isEqualTo(server.storageClass().name());
        assertThat(storedClass(client, settings, "sets.lease.json")).isIn(null, "STANDARD");
    }

    static Stream<StorageClass> copyClasses() {
        return Stream.of(StorageClass.STANDARD_IA, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("copyClasses")
    void a_copy_whole_or_part_by_part_is_asked_for_in_the_class_and_none_is_asked_without_one(StorageClass storageClass) throws Exception {
        S3Settings upstream = TestS3.freshBucket();
        S3Client direct = client(upstream);
        direct.putObject(b -> b.bucket(upstream.bucket()).key("sets/small.rdb"), RequestBody.fromBytes(bytes(MB, 2)));
        direct.putObject(b -> b.bucket(upstream.bucket()).key("sets/large.rdb"), RequestBody.fromBytes(bytes(6 * MB, 3)));
        FaultProxy proxy = new FaultProxy(upstream.endpoint().getPort());
        opened.add(proxy);
        SentWrites sent = new SentWrites(proxy);
        S3Settings settings = FaultyS3.through(upstream, proxy).withStorageClass(storageClass);
        Bucket bucket = seam(settings, client(settings), 5L * MB); // above 5 MB, part by part

        bucket.copy("sets/small.rdb", "trash/2026-12-01/sets/small.rdb", MB);
        bucket.copy("sets/large.rdb", "trash/2026-12-01/sets/large.rdb", 6 * MB);

        String expected = storageClass == null ? null : storageClass.name();
        assertThat(sent.of("CopyObject", "trash/")).extracting(SentWrites.Sent::storageClass).containsExactly(expected);
        assertThat(sent.of("CreateMultipartUpload", "trash/")).extracting(SentWrites.Sent::storageClass).containsExactly(expected);
        assertThat(sent.of("UploadPartCopy", "trash/")).hasSize(2);
    }

    private static String storedClass(S3Client client, S3Settings settings, String key) {
        return client.headObject(b -> b.bucket(settings.bucket()).key(key)).storageClassAsString();
    }

    private S3Client client(S3Settings settings) {
        S3Client client = S3ClientFactory.create(settings);
        opened.add(client);
        return client;
    }

    private Bucket seam(S3Settings settings, S3Client client, long copyLimit) {
        Fallbacks fallbacks = new Fallbacks();
        return new FallbackBucket(new S3Bucket(client, settings, fallbacks, copyLimit), new UploadJournal(dir.resolve("uploads")), fallbacks,
                Clock.systemUTC());
    }

    private static Body part(byte[] bytes, int from, int length) {
        return new Body(length, () -> new ByteArrayInputStream(bytes, from, length));
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
