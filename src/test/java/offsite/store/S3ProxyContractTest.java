package offsite.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import offsite.sync.LocalEtag;
import offsite.sync.UploadShape;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** What Offsite relies on from an S3 server, proven against S3Proxy: multipart resume and S3's ETag rules. */
class S3ProxyContractTest {

    @TempDir
    Path dir;

    @Test
    void pending_upload_lists_its_parts_and_completes_with_the_etag_computed_locally() throws Exception {
        S3Settings s = TestS3.freshBucket();
        long partSize = 5L << 20;
        byte[] data = new byte[(int) (partSize * 2 + 1234)];
        new Random(1).nextBytes(data);
        Path file = dir.resolve("chunk");
        Files.write(file, data);
        try (S3Client client = S3ClientFactory.create(s)) {
            Bucket uploads = new S3Bucket(client, s, new Fallbacks());
            String id = uploads.createUpload("set/chunk", java.util.Map.of());
            uploads.uploadPart("set/chunk", id, 1, Bucket.Body.of(slice(data, 0, partSize)), md5(slice(data, 0, partSize)));

            assertThat(uploads.pendingUploads("set/")).extracting(Bucket.PendingUpload::uploadId).containsExactly(id);
            List<Bucket.StoredPart> parts = uploads.listParts("set/chunk", id);
            assertThat(parts).hasSize(1);
            assertThat(parts.get(0).size()).isEqualTo(partSize);
            assertThat(TestS3.list(client, s.bucket(), "set/")).as("a pending upload is invisible").isEmpty();

            byte[] p2 = slice(data, partSize, partSize);
            byte[] p3 = slice(data, 2 * partSize, data.length - 2 * partSize);
            String e2 = uploads.uploadPart("set/chunk", id, 2, Bucket.Body.of(p2), md5(p2));
            String e3 = uploads.uploadPart("set/chunk", id, 3, Bucket.Body.of(p3), md5(p3));
            String etag = uploads.completeUpload("set/chunk", id, List.of(parts.get(0),
                    new Bucket.StoredPart(2, p2.length, e2), new Bucket.StoredPart(3, p3.length, e3)));

            assertThat(etag).isEqualTo(LocalEtag.of(file, data.length, new UploadShape(partSize, partSize)));
            assertThat(uploads.pendingUploads("set/")).isEmpty();
            assertThat(client.headObject(b -> b.bucket(s.bucket()).key("set/chunk")).contentLength()).isEqualTo(data.length);
        }
    }

    @Test
    void aborted_upload_leaves_nothing_behind() {
        S3Settings s = TestS3.freshBucket();
        try (S3Client client = S3ClientFactory.create(s)) {
            Bucket uploads = new S3Bucket(client, s, new Fallbacks());
            String id = uploads.createUpload("set/x", java.util.Map.of());
            uploads.abortUpload("set/x", id);
            assertThat(uploads.pendingUploads("set/")).isEmpty();
            assertThat(TestS3.list(client, s.bucket(), "")).isEmpty();
        }
    }

    private static byte[] slice(byte[] data, long from, long len) {
        byte[] out = new byte[(int) len];
        System.arraycopy(data, (int) from, out, 0, (int) len);
        return out;
    }

    private static String md5(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }
}
