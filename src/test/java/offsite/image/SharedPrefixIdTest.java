package offsite.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import offsite.retention.RetentionPolicy;
import offsite.store.Bucket;
import offsite.store.Fallbacks;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.store.UnansweredRequests;
import offsite.sync.StoppedStore;
import offsite.testing.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Audit image.md finding 4: two hosts sharing offsite.image.prefix that started in the same millisecond wrote one
 * folder images/ID/; the later host's objects replaced the earlier's, and both said OK. A backup whose folder already
 * holds objects now takes the next free millisecond.
 */
class SharedPrefixIdTest {

    private static final Instant NOW = Instant.parse("2026-12-02T05:35:00Z");

    @TempDir
    Path dir;

    /** Objects another host stored before this backup's upload (keys under images/), and the id this backup must take. */
    record Case(String what, List<String> stored, String expectedId) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("an empty folder: the clock's id", List.of(), "20261202T053500000Z"),
                new Case("another host's backup under the id: the next millisecond",
                        List.of("20261202T053500000Z/full.tar.zst", "20261202T053500000Z/manifest.json"), "20261202T053500001Z"),
                new Case("another host's data without its manifest yet (its upload under way) takes the id too",
                        List.of("20261202T053500000Z/full.tar.zst"), "20261202T053500001Z"),
                new Case("the next one taken as well: the first free", List.of("20261202T053500000Z/manifest.json",
                        "20261202T053500001Z/delta.zst"), "20261202T053500002Z"),
                new Case("a folder of a later millisecond is no reason to move", List.of("20261202T053500001Z/manifest.json"),
                        "20261202T053500000Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void a_backup_whose_id_holds_objects_takes_the_next_free_millisecond_and_leaves_them_untouched(Case c) throws Exception {
        Path machine = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(machine.resolve("hostname"), "host-b\n");
        S3Settings s3 = TestS3.freshBucket();
        try (S3Client client = S3ClientFactory.create(s3)) {
            for (String key : c.stored()) {
                client.putObject(b -> b.bucket(s3.bucket()).key("images/" + key), RequestBody.fromString("host-a's " + key));
            }
            Map<String, String> before = contents(client, s3);
            Bucket bucket = new S3Bucket(client, s3, new Fallbacks());
            ImageSettings settings = new ImageSettings(List.of(machine.getParent()), List.of(), List.of(), List.of(), dir.resolve("no-keys"),
                    "images/", "0 0 * * * ?", CompleteImageRule.defaults(), RetentionPolicy.DEFAULT, 3, 10, "host-b");
            ImageBackup backup = new ImageBackup(settings, new ImageTree(settings.selection()), dir.resolve("data/image"),
                    Clock.fixed(NOW, ZoneOffset.UTC), ZoneOffset.UTC, bucket, null,
                    new StoppedStore(new UnansweredRequests(), 1, 2, s3.endpoint()), null);

            // the route's steps up to the manifest, each object then put as image-put would
            ImagePass pass = backup.begin(ImageRequest.command(false));
            backup.checkBucket(pass);
            backup.prepare(pass);
            backup.uploading(pass);
            backup.manifest(pass);
            for (ObjectUpload u : Stream.concat(pass.uploads().stream(), Stream.of(pass.manifestUpload)).toList()) {
                client.putObject(b -> b.bucket(s3.bucket()).key(u.key()), RequestBody.fromFile(u.file()));
            }

            assertThat(pass.id()).isEqualTo(c.expectedId());
            assertThat(pass.uploads()).extracting(ObjectUpload::key).containsExactly("images/" + c.expectedId() + "/full.tar.zst");
            assertThat(pass.manifestUpload.key()).isEqualTo("images/" + c.expectedId() + "/manifest.json");
            assertThat(new String(Files.readAllBytes(pass.manifestUpload.file()))).contains("\"id\" : \"" + c.expectedId() + "\"");
            assertThat(pass.nextState.completeId()).as("the next diff's base").isEqualTo(c.expectedId());
            try (ImageIndex.Reader index = ImageIndex.Reader.open(pass.nextIndex)) {
                assertThat(index.completeId()).as("the index names the complete image it describes").isEqualTo(c.expectedId());
                assertThat(index.find(machine.toString().substring(1) + "/hostname")).as("its entries read past the new header")
                        .isNotNull();
            }
            assertThat(contents(client, s3)).as("host-a's objects").containsAllEntriesOf(before);
        }
    }

    @Test
    void two_hosts_reaching_the_upload_together_in_the_same_millisecond_take_two_folders() throws Exception {
        Path machine = Files.createDirectories(dir.resolve("machine/etc"));
        Files.writeString(machine.resolve("hostname"), "shared\n");
        S3Settings s3 = TestS3.freshBucket();
        try (S3Client client = S3ClientFactory.create(s3)) {
            Bucket bucket = new S3Bucket(client, s3, new Fallbacks());
            for (int round = 0; round < 10; round++) {
                Instant now = NOW.plusSeconds(60L * round);
                CyclicBarrier together = new CyclicBarrier(2); // both have listed nothing yet when either claims
                List<Future<ImagePass>> passes = new ArrayList<>();
                ExecutorService hosts = Executors.newFixedThreadPool(2);
                try {
                    for (String host : List.of("host-a", "host-b")) {
                        ImageBackup backup = backupOf(machine.getParent(), host, bucket, s3, now, round);
                        passes.add(hosts.submit(() -> {
                            ImagePass pass = backup.begin(ImageRequest.command(false));
                            backup.checkBucket(pass);
                            backup.prepare(pass);
                            together.await();
                            backup.uploading(pass);
                            backup.manifest(pass);
                            for (ObjectUpload u : Stream.concat(pass.uploads().stream(), Stream.of(pass.manifestUpload)).toList()) {
                                client.putObject(b -> b.bucket(s3.bucket()).key(u.key()), RequestBody.fromFile(u.file()));
                            }
                            return backup.manifestStored(pass);
                        }));
                    }
                    String a = passes.get(0).get().id();
                    String b = passes.get(1).get().id();
                    assertThat(a).as("round %d: each host its own folder", round).isNotEqualTo(b);
                    for (ImagePass pass : List.of(passes.get(0).get(), passes.get(1).get())) {
                        assertThat(new String(client.getObjectAsBytes(r -> r.bucket(s3.bucket()).key(pass.manifestUpload.key())).asByteArray()))
                                .as("round %d: %s's manifest is its own", round, pass.id()).contains("\"id\" : \"" + pass.id() + "\"");
                    }
                    assertThat(TestS3.list(client, s3.bucket(), "images/")).extracting(S3Object::key).as("round %d: no claim left", round)
                            .noneMatch(k -> k.contains("claimed-by-"));
                } finally {
                    hosts.shutdownNow();
                }
            }
        }
    }

    private ImageBackup backupOf(Path root, String host, Bucket bucket, S3Settings s3, Instant now, int round) {
        ImageSettings settings = new ImageSettings(List.of(root), List.of(), List.of(), List.of(), dir.resolve("no-keys"),
                "images/", "0 0 * * * ?", CompleteImageRule.defaults(), RetentionPolicy.DEFAULT, 3, 10, host);
        return new ImageBackup(settings, new ImageTree(settings.selection()), dir.resolve("data-" + host + "-" + round + "/image"),
                Clock.fixed(now, ZoneOffset.UTC), ZoneOffset.UTC, bucket, null, new StoppedStore(new UnansweredRequests(), 1, 2, s3.endpoint()),
                null);
    }

    private static Map<String, String> contents(S3Client client, S3Settings s3) {
        return TestS3.list(client, s3.bucket(), "images/").stream().map(S3Object::key).collect(Collectors.toMap(k -> k,
                k -> HexFormat.of().formatHex(client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(k)).asByteArray())));
    }
}
