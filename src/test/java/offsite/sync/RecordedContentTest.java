package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.EtagForm.Setting;
import offsite.store.Fallbacks;
import offsite.store.RemoteObject;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.testing.TestS3;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** What the planner learns beyond the local ETag, per offsite.s3.etag, from the hash cache and a real object's metadata. */
class RecordedContentTest {

    /** MD5 of "abc". */
    private static final String MD5 = "900150983cd24fb0d6963f7d28e17f72";

    @TempDir
    Path dir;

    /**
     * setting: offsite.s3.etag; storedMd5: what the object's md5chksum is taken for (null: not asked); uploadedAs: the ETag
     * the file's content is known to be listed under when the cache recorded no upload ETag.
     */
    record Case(String name, Setting setting, String storedMd5, String uploadedAs) {
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("auto: the md5chksum is read, the cached local ETag is no upload ETag", Setting.AUTO, MD5, null),
                new Case("md5: ETags are taken for MD5s, no HEAD for an md5chksum", Setting.MD5, null, null),
                new Case("opaque: the md5chksum is read, an object listed under the cached local ETag holds the file", Setting.OPAQUE, MD5,
                        MD5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void the_md5chksum_is_asked_for_unless_etags_are_taken_for_md5s(Case c) throws Exception {
        Path file = dir.resolve("set/chunk.rdb");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "abc");
        LocalFile local = new SourceScan(dir.resolve("set"), Clock.systemUTC(), false).scan().files().get(0);
        UploadShape shape = new UploadShape(5L << 20, 5L << 20);
        HashCache hashes = new HashCache(dir.resolve("hash-cache.tsv"), 0, Clock.systemUTC());
        hashes.etag(local, shape);
        S3Settings s3 = TestS3.freshBucket();
        try (S3Client client = S3ClientFactory.create(s3)) {
            client.putObject(b -> b.bucket(s3.bucket()).key("sets/chunk.rdb").metadata(Map.of("md5chksum", EtagForm.base64(MD5))),
                    RequestBody.fromString("abc"));
            Bucket bucket = new S3Bucket(client, s3, new Fallbacks());
            RemoteObject object = bucket.list("sets/").get(0);
            RecordedContent recorded = new RecordedContent(hashes, shape, bucket, new EtagForm(c.setting(), dir.resolve("opaque-etags.txt"),
                    s3.bucket(), new Fallbacks()));

            assertThat(recorded.storedMd5(object)).isEqualTo(c.storedMd5());
            assertThat(recorded.uploadedAs(local)).isEqualTo(c.uploadedAs());
        }
    }
}
