package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import offsite.store.Bucket.Body;
import offsite.store.Bucket.PendingUpload;
import offsite.store.Bucket.StoredObject;
import offsite.store.Bucket.StoredPart;
import offsite.testing.CephRgw;
import offsite.testing.FaultyS3;
import offsite.testing.S3Implementation;
import offsite.testing.S3rver;
import offsite.testing.TestS3;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Bucket contract (its javadoc), as restic's backend tests and rclone's fstests: one set of tests run against every
 * S3 implementation this machine can start, through the seam as the application builds it (FallbackBucket over
 * S3Bucket), and against S3Proxy behind the fault proxy playing services that lack something.
 */
class BucketContractTest {

    private static final int MB = 1 << 20;
    /** The copy limit the tests use, so that the part-by-part copy path runs on a few MB. */
    private static final long COPY_LIMIT = 5L * MB;

    /** The servers this machine can start. */
    static final List<S3Implementation> SERVERS = List.of(TestS3.IMPLEMENTATION, S3rver.IMPLEMENTATION, CephRgw.IMPLEMENTATION);

    static Stream<S3Implementation> implementations() {
        return Stream.concat(SERVERS.stream(), FaultyS3.MODES.stream());
    }

    /** Keys a user's backup set may hold, each needing care in a URL, a signature or an XML listing. */
    static final List<String> AWKWARD_KEYS = List.of("set/Backup Set A/with spaces.rdb", "set/unicode/Ünïcødé-日本語-ø.rdb",
            "set/plus/a+b+c.rdb", "set/percent/100%25 and %.rdb", "set/hash/#1 chunk#.rdb", "set/question/what?x=1.rdb",
            "set/mixed/&=;,'!()~ @$.rdb");

    /** The servers, and the modes whose fault or fallback meets the key's name: short pages, copies made by transfer, retries. */
    static Stream<Arguments> implementationsAndAwkwardKeys() {
        return Stream.concat(SERVERS.stream(), Stream.of(FaultyS3.SHORT_PAGES, FaultyS3.NO_COPY, FaultyS3.CUT_ANSWERS))
                .flatMap(i -> AWKWARD_KEYS.stream().map(k -> Arguments.of(i, k)));
    }

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger fallbackLog = (Logger) LoggerFactory.getLogger(Fallbacks.class);

    @BeforeEach
    void captureFallbackWarnings() {
        warnings.start();
        fallbackLog.addAppender(warnings);
    }

    @AfterEach
    void close() throws Exception {
        fallbackLog.detachAppender(warnings);
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** The seam as OffsiteConfiguration builds it, over one implementation's fresh bucket. */
    private record Seam(S3Settings settings, Fallbacks fallbacks, Bucket bucket) {
    }

    private Seam open(S3Implementation implementation) {
        return open(implementation.bucket());
    }

    /** Another process's seam over the same bucket and data directory: its own client and fallbacks. */
    private Seam open(S3Settings settings) {
        S3Client client = S3ClientFactory.create(settings);
        opened.add(client);
        Fallbacks fallbacks = new Fallbacks();
        Bucket bucket = new FallbackBucket(new S3Bucket(client, settings, fallbacks, COPY_LIMIT), new UploadJournal(dir.resolve("uploads")),
                fallbacks, Clock.systemUTC());
        return new Seam(settings, fallbacks, bucket);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_listing_follows_every_page_to_the_end(S3Implementation implementation) throws Exception {
        Bucket bucket = open(implementation).bucket();
        // more than a 1,000-key page on each server; behind the fault proxy, enough for its short pages (S3Proxy's
        // filesystem store reads the whole folder for each page)
        int count = SERVERS.contains(implementation) ? 1001 : 40;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(String.format("many/k%04d", i));
        }
        keys.addAll(List.of("many/sub/a", "many/sub/deeper/b", "many/z/c"));
        // not "many" itself: S3Proxy's and s3rver's filesystem stores cannot hold a key that is also a folder's name
        List<String> beside = List.of("many-more/x", "other/y");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> puts = new ArrayList<>();
            for (String key : Stream.concat(keys.stream(), beside.stream()).toList()) {
                puts.add(pool.submit(() -> bucket.put(key, Body.of(key.getBytes(StandardCharsets.UTF_8)), null, Map.of())));
            }
            for (Future<String> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdown();
        }

        List<RemoteObject> listed = bucket.list("many/");

        assertThat(listed).extracting(RemoteObject::key).containsExactlyElementsOf(keys.stream().sorted().toList());
        assertThat(listed).allSatisfy(o -> {
            assertThat(o.size()).isEqualTo(o.key().getBytes(StandardCharsets.UTF_8).length);
            assertThat(o.etag()).isEqualTo(md5Hex(o.key().getBytes(StandardCharsets.UTF_8)));
        });
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("implementationsAndAwkwardKeys")
    void an_awkward_key_is_stored_listed_read_copied_and_deleted_by_its_exact_name(S3Implementation implementation, String key)
            throws Exception {
        Seam seam = open(implementation);
        Bucket bucket = seam.bucket();
        byte[] data = bytes(1000, key.hashCode());
        String copy = "copied/" + key;

        String etag = bucket.put(key, Body.of(data), md5Base64(data), Map.of());
        boolean copied = copiedOrRefusedAsLacking(implementation, seam, key, copy, data.length);

        assertThat(etag).isEqualTo(md5Hex(data));
        assertThat(bucket.list("set/")).extracting(RemoteObject::key).containsExactly(key);
        assertThat(bucket.list("copied/")).extracting(RemoteObject::key).containsExactly(copied ? new String[] {copy} : new String[0]);
        assertThat(bucket.head(key)).get().extracting(StoredObject::size).isEqualTo(1000L);
        assertThat(read(bucket, key, 0)).isEqualTo(data);
        if (copied) {
            assertThat(read(bucket, copy, 0)).isEqualTo(data);
        }
        bucket.delete(key);
        bucket.delete(copy);
        assertThat(bucket.list("")).isEmpty();
    }

    /**
     * Copies; true when the copy is there. An implementation may refuse only what it lacks (CopyObject, UploadPartCopy
     * above the copy limit, or a source key it cannot name): then the refusal says not offered and leaves no copy.
     */
    private static boolean copiedOrRefusedAsLacking(S3Implementation implementation, Seam seam, String from, String to, long size) {
        try {
            seam.bucket().copy(from, to, size);
            return true;
        } catch (StoreException e) {
            boolean mayRefuse = implementation.lacks().contains("CopyObject")
                    || size > COPY_LIMIT && implementation.lacks().contains("UploadPartCopy")
                    || from.matches(".*[+#?&].*") && implementation.lacks().contains("CopyObject source names");
            assertThat(mayRefuse).as("a copy refused by %s: %s", implementation, e.getMessage()).isTrue();
            assertThat(e.unsupported()).as(e.getMessage()).isTrue();
            assertThat(seam.bucket().head(to)).isEmpty();
            assertThat(seam.fallbacks().inUse().keySet()).as("the fallback named")
                    .containsAnyOf("CopyObject", "UploadPartCopy", "CopyObject source names");
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void an_empty_object_is_stored_listed_and_read_back_empty(S3Implementation implementation) throws Exception {
        Bucket bucket = open(implementation).bucket();

        String etag = bucket.put("set/empty", Body.of(new byte[0]), md5Base64(new byte[0]), Map.of());

        assertThat(etag).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(bucket.list("set/")).singleElement().satisfies(o -> {
            assertThat(o.size()).isZero();
            assertThat(o.etag()).isEqualTo(etag);
        });
        assertThat(read(bucket, "set/empty", 0)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_multipart_upload_is_invisible_until_completed_and_takes_the_etag_computed_locally(S3Implementation implementation)
            throws Exception {
        Bucket bucket = open(implementation).bucket();
        byte[] data = bytes(2 * 5 * MB + 1234, 1);
        List<byte[]> parts = List.of(slice(data, 0, 5 * MB), slice(data, 5 * MB, 5 * MB), slice(data, 10 * MB, 1234));

        String id = bucket.createUpload("set/chunk", Map.of("offsite-md5", md5Hex(data), Bucket.PART_SIZE_METADATA, String.valueOf(5 * MB)));
        List<StoredPart> sent = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            byte[] p = parts.get(n - 1);
            assertThat(bucket.uploadPart("set/chunk", id, n, Body.of(p), md5Base64(p))).isEqualTo(md5Hex(p));
            sent.add(new StoredPart(n, p.length, md5Hex(p)));
        }

        assertThat(bucket.pendingUploads("set/")).extracting(PendingUpload::key, PendingUpload::uploadId)
                .containsExactly(Tuple.tuple("set/chunk", id));
        assertThat(bucket.listParts("set/chunk", id)).containsExactlyElementsOf(sent);
        assertThat(bucket.list("set/")).as("a pending upload is invisible").isEmpty();

        String etag = bucket.completeUpload("set/chunk", id, sent);

        assertThat(etag).isEqualTo(multipartEtagOn(implementation, parts));
        assertThat(bucket.pendingUploads("set/")).isEmpty();
        assertThat(bucket.list("set/")).singleElement().satisfies(o -> {
            assertThat(o.etag()).isEqualTo(etag);
            assertThat(o.size()).isEqualTo(data.length);
        });
        assertThat(bucket.head("set/chunk")).get().satisfies(h -> {
            assertThat(h.etag()).isEqualTo(etag);
            assertThat(h.metadata()).containsEntry("offsite-md5", md5Hex(data));
        });
        assertThat(bucket.firstPartSize("set/chunk")).isEqualTo(5L * MB);
        assertThat(read(bucket, "set/chunk", 0)).isEqualTo(data);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_pending_upload_resumes_in_a_new_process_from_the_parts_it_stored(S3Implementation implementation) throws Exception {
        Seam first = open(implementation);
        byte[] data = bytes(5 * MB + 100, 2);
        byte[] one = slice(data, 0, 5 * MB);
        byte[] two = slice(data, 5 * MB, 100);
        String id = first.bucket().createUpload("set/cut", Map.of());
        first.bucket().uploadPart("set/cut", id, 1, Body.of(one), md5Base64(one));

        Bucket next = open(first.settings()).bucket();
        List<PendingUpload> pending = next.pendingUploads("set/");
        assertThat(pending).extracting(PendingUpload::uploadId).containsExactly(id);
        List<StoredPart> stored = next.listParts("set/cut", id);
        assertThat(stored).containsExactly(new StoredPart(1, one.length, md5Hex(one)));
        String etag2 = next.uploadPart("set/cut", id, 2, Body.of(two), md5Base64(two));
        String etag = next.completeUpload("set/cut", id, List.of(stored.get(0), new StoredPart(2, two.length, etag2)));

        assertThat(etag).isEqualTo(multipartEtagOn(implementation, List.of(one, two)));
        assertThat(read(next, "set/cut", 0)).isEqualTo(data);
        assertThat(next.pendingUploads("set/")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void an_aborted_upload_leaves_nothing_and_aborting_again_is_not_an_error(S3Implementation implementation) {
        Bucket bucket = open(implementation).bucket();
        String id = bucket.createUpload("set/x", Map.of());
        byte[] part = bytes(5 * MB, 3);
        bucket.uploadPart("set/x", id, 1, Body.of(part), md5Base64(part));

        bucket.abortUpload("set/x", id);
        bucket.abortUpload("set/x", id);

        assertThat(bucket.pendingUploads("set/")).isEmpty();
        assertThat(bucket.list("")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_copy_keeps_its_source_and_metadata_and_one_above_the_copy_limit_goes_part_by_part(S3Implementation implementation)
            throws Exception {
        Seam seam = open(implementation);
        Bucket bucket = seam.bucket();
        byte[] small = bytes(1234, 4);
        byte[] big = bytes(2 * 5 * MB + 77, 5);
        bucket.put("set/small", Body.of(small), null, Map.of("offsite-md5", md5Hex(small)));
        bucket.put("set/big", Body.of(big), null, Map.of("offsite-md5", md5Hex(big)));

        boolean smallCopied = copiedOrRefusedAsLacking(implementation, seam, "set/small", "trash/small", small.length);
        boolean bigCopied = copiedOrRefusedAsLacking(implementation, seam, "set/big", "trash/big", big.length);

        assertThat(smallCopied).as("only a service without CopyObject refuses a small copy")
                .isEqualTo(!implementation.lacks().contains("CopyObject"));
        if (smallCopied) {
            assertThat(read(bucket, "trash/small", 0)).isEqualTo(small);
            assertThat(bucket.head("trash/small")).get().extracting(h -> h.metadata().get("offsite-md5")).isEqualTo(md5Hex(small));
        }
        if (bigCopied) {
            assertThat(read(bucket, "trash/big", 0)).isEqualTo(big);
            assertThat(bucket.head("trash/big")).get().extracting(h -> h.metadata().get("offsite-md5")).isEqualTo(md5Hex(big));
        }
        assertThat(bucket.list("set/")).extracting(RemoteObject::key).containsExactly("set/big", "set/small");
        assertThat(bucket.pendingUploads("trash/")).as("a refused part copy leaves no upload behind").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void deleting_is_idempotent(S3Implementation implementation) {
        Bucket bucket = open(implementation).bucket();
        bucket.put("set/a", Body.of(new byte[] {1}), null, Map.of());

        bucket.delete("set/a");
        bucket.delete("set/a");
        bucket.delete("set/never-there");

        assertThat(bucket.list("")).isEmpty();
        assertThat(bucket.head("set/a")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_ranged_get_returns_the_bytes_from_the_offset_to_the_end(S3Implementation implementation) throws Exception {
        Bucket bucket = open(implementation).bucket();
        byte[] data = bytes(100_000, 6);
        bucket.put("set/r", Body.of(data), null, Map.of());

        for (int offset : new int[] {0, 1, 65_536, data.length - 1, data.length}) {
            assertThat(read(bucket, "set/r", offset)).as("from %d", offset).isEqualTo(slice(data, offset, data.length - offset));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_get_answers_the_objects_metadata_and_last_modified_from_any_offset(S3Implementation implementation) throws Exception {
        Bucket bucket = open(implementation).bucket();
        byte[] data = bytes(100_000, 8);
        bucket.put("set/t", Body.of(data), null, Map.of(MtimeMetadata.NAME, "1700000000.123456789"));

        for (int offset : new int[] {0, 1, data.length}) { // the last: a resumed download already whole (416 on S3)
            Bucket.Download answer = bucket.download("set/t", offset);
            try (InputStream body = answer.body()) {
                assertThat(body.readAllBytes()).as("from %d", offset).isEqualTo(slice(data, offset, data.length - offset));
            }
            assertThat(answer.metadata()).as("from %d", offset).containsEntry(MtimeMetadata.NAME, "1700000000.123456789");
            assertThat(answer.lastModified()).as("from %d", offset).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void head_gives_size_etag_and_metadata_and_nothing_for_a_missing_key(S3Implementation implementation) {
        Bucket bucket = open(implementation).bucket();
        byte[] data = bytes(4321, 7);

        bucket.put("set/m", Body.of(data), md5Base64(data), Map.of("offsite-md5", md5Hex(data), "Mixed-Case", "v"));

        assertThat(bucket.head("set/m")).get().satisfies(h -> {
            assertThat(h.size()).isEqualTo(4321);
            assertThat(h.etag()).isEqualTo(md5Hex(data));
            assertThat(h.lastModified()).isNotNull();
            assertThat(h.metadata()).containsEntry("offsite-md5", md5Hex(data)).containsEntry("mixed-case", "v");
        });
        assertThat(bucket.head("set/missing")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_damaged_body_is_never_confirmed_and_the_old_object_stays_when_refused(S3Implementation implementation) throws Exception {
        Bucket bucket = open(implementation).bucket();
        byte[] old = bytes(2000, 8);
        byte[] damaged = bytes(2000, 9);
        bucket.put("set/d", Body.of(old), md5Base64(old), Map.of());

        String etag;
        try {
            etag = bucket.put("set/d", Body.of(damaged), md5Base64(old), Map.of()); // claims the old bytes' MD5
        } catch (StoreException refused) {
            assertThat(read(bucket, "set/d", 0)).isEqualTo(old);
            return;
        }
        assertThat(etag).as("without Content-MD5 checking, the ETag tells the caller").isNotEqualTo(md5Hex(old));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void the_bucket_is_open_unversioned_and_a_missing_one_is_named(S3Implementation implementation) {
        Seam seam = open(implementation);
        S3Settings s = seam.settings();
        S3Settings missing = new S3Settings(s.endpoint(), s.region(), true, s.accessKey(), s.secretKey(), s.bucket() + "-missing",
                s.checksumMode(), s.maxAttempts(), false, false);

        assertThat(seam.bucket().problem()).isNull();
        assertThat(seam.bucket().versioned()).isFalse();
        assertThat(open(missing).bucket().problem()).contains("bucket '" + missing.bucket() + "' does not exist");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void what_the_service_lacks_is_made_up_for_named_and_warned_of_once(S3Implementation implementation) throws Exception {
        Seam seam = open(implementation);
        for (int round = 1; round <= 2; round++) {
            useEveryOptionalOperation(seam.bucket(), "round" + round + "/");
        }

        assertThat(seam.fallbacks().inUse().keySet()).as("fallbacks in use").isEqualTo(implementation.lacks());
        for (String operation : implementation.lacks()) {
            assertThat(warnings.list).filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(" " + operation + ":"))
                    .as("WARNs naming " + operation).hasSize(1);
        }
    }

    /** Each optional operation once, each checked for its result. */
    private static void useEveryOptionalOperation(Bucket bucket, String prefix) throws IOException {
        byte[] part = bytes(5 * MB, 10);
        byte[] big = bytes(5 * MB + 1, 11);
        String key = prefix + "chunk";
        String id = bucket.createUpload(key, Map.of(Bucket.PART_SIZE_METADATA, String.valueOf(part.length)));
        assertThat(bucket.uploadPart(key, id, 1, Body.of(part), md5Base64(part))).isEqualTo(md5Hex(part));
        assertThat(bucket.uploadPart(key, id, 2, Body.of(big), md5Base64(big))).isEqualTo(md5Hex(big));
        assertThat(bucket.pendingUploads(prefix)).extracting(PendingUpload::uploadId).contains(id);
        assertThat(bucket.listParts(key, id)).extracting(StoredPart::number).containsExactly(1, 2);
        bucket.completeUpload(key, id, List.of(new StoredPart(1, part.length, md5Hex(part)), new StoredPart(2, big.length, md5Hex(big))));
        assertThat(bucket.firstPartSize(key)).isEqualTo(part.length);
        String abandoned = bucket.createUpload(prefix + "abandoned", Map.of());
        bucket.abortUpload(prefix + "abandoned", abandoned);
        assertThat(bucket.pendingUploads(prefix)).extracting(PendingUpload::uploadId).doesNotContain(abandoned);
        assertThat(bucket.put(prefix + "small+1", Body.of(part), md5Base64(part), Map.of())).isEqualTo(md5Hex(part));
        assertThat(bucket.put(prefix + "big", Body.of(big), md5Base64(big), Map.of())).isEqualTo(md5Hex(big));
        assertThat(read(bucket, prefix + "small+1", 5 * MB - 10)).isEqualTo(slice(part, 5 * MB - 10, 10));
        for (String[] copy : new String[][] {{"small+1", "copy"}, {"big", "big-copy"}}) {
            long size = copy[0].equals("big") ? big.length : part.length;
            try {
                bucket.copy(prefix + copy[0], prefix + copy[1], size);
                assertThat(bucket.head(prefix + copy[1])).get().extracting(StoredObject::size).isEqualTo(size);
            } catch (StoreException refused) {
                assertThat(refused.unsupported()).as(refused.getMessage()).isTrue();
            }
        }
        assertThat(bucket.versioned()).isFalse();
    }

    private static byte[] read(Bucket bucket, String key, long offset) throws IOException {
        try (InputStream in = bucket.get(key, offset)) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] slice(byte[] data, long from, long length) {
        byte[] out = new byte[(int) length];
        System.arraycopy(data, (int) from, out, 0, (int) length);
        return out;
    }

    private static byte[] md5(byte[] b) {
        try {
            return MessageDigest.getInstance("MD5").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String md5Hex(byte[] b) {
        return HexFormat.of().formatHex(md5(b));
    }

    private static String md5Base64(byte[] b) {
        return Base64.getEncoder().encodeToString(md5(b));
    }

    /** The ETag the implementation gives a multipart object: S3's form, or the whole content's MD5 where it lacks that. */
    private static String multipartEtagOn(S3Implementation implementation, List<byte[]> parts) throws Exception {
        if (implementation.lacks().contains("multipart ETag")) {
            MessageDigest whole = MessageDigest.getInstance("MD5");
            parts.forEach(whole::update);
            return HexFormat.of().formatHex(whole.digest());
        }
        return multipartEtag(parts);
    }

    /** S3's multipart ETag: the MD5 of the parts' MD5s, a dash and the number of parts. */
    private static String multipartEtag(List<byte[]> parts) throws Exception {
        MessageDigest ofParts = MessageDigest.getInstance("MD5");
        for (byte[] p : parts) {
            ofParts.update(md5(p));
        }
        return HexFormat.of().formatHex(ofParts.digest()) + "-" + parts.size();
    }
}
