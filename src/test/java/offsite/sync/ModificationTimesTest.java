package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import offsite.store.Bucket;
import offsite.store.FallbackBucket;
import offsite.store.Fallbacks;
import offsite.store.MtimeMetadata;
import offsite.store.RemoteObject;
import offsite.store.S3Bucket;
import offsite.store.UploadJournal;
import offsite.testing.OffsiteHarness;
import offsite.testing.TestS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Modification times kept through the bucket, as rclone keeps them (x-amz-meta-mtime), against S3Proxy. */
class ModificationTimesTest {

    private static final int MB = 1 << 20;

    @TempDir
    Path dir;

    OffsiteHarness app;

    @BeforeEach
    void start() throws Exception {
        app = new OffsiteHarness(dir);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** Writes a source file and gives it this modification time, nanoseconds included. */
    private void write(String relative, int size, long seed, Instant modified) throws Exception {
        Files.setLastModifiedTime(app.write(relative, size, seed), FileTime.from(modified));
    }

    /** Each stored object's mtime metadata, by key under sets/. */
    private Map<String, String> storedMtimes() {
        Map<String, String> out = new TreeMap<>();
        for (S3Object o : TestS3.list(app.client, app.s3.bucket(), "sets/")) {
            if (o.key().endsWith("/")) {
                continue; // S3Proxy's folder markers
            }
            String mtime = app.client.headObject(b -> b.bucket(app.s3.bucket()).key(o.key())).metadata().get(MtimeMetadata.NAME);
            out.put(o.key(), String.valueOf(mtime));
        }
        return out;
    }

    @Test
    void every_upload_stores_the_files_modification_time_as_rclones_mtime_metadata() throws Exception {
        write("new.rdb", 999, 1, Instant.parse("2026-11-02T03:04:05.123456789Z"));
        write("Members/AA000001.rdb", 11 * MB + 7, 2, Instant.parse("2026-11-03T03:04:05Z")); // multipart: three parts
        write("replaced.rdb", 2000, 3, Instant.parse("2026-11-04T03:04:05.5Z"));
        assertThat(app.sync().status().name()).isEqualTo("OK");
        write("replaced.rdb", 2000, 4, Instant.parse("2026-11-05T03:04:05.000000001Z")); // a PUT over an object, with Content-MD5

        assertThat(app.sync().status().name()).isEqualTo("OK");

        assertThat(storedMtimes()).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "sets/Members/AA000001.rdb", "1793675045",
                "sets/new.rdb", "1793588645.123456789",
                "sets/replaced.rdb", "1793847845.000000001")));
    }

    @Test
    void an_upload_cut_before_the_file_changed_starts_afresh_so_the_object_carries_the_files_time_now() throws Exception {
        Instant before = Instant.parse("2026-11-02T03:04:05.25Z");
        Instant now = Instant.parse("2026-11-09T03:04:05.75Z");
        write("Members/AA000001.rdb", 11 * MB + 7, 2, before);
        // the upload a pass cut after its first part, created with the time the file had then
        Fallbacks fallbacks = new Fallbacks();
        Bucket seam = new FallbackBucket(new S3Bucket(app.client, app.s3, fallbacks), new UploadJournal(app.data.resolve("uploads")),
                fallbacks, Clock.systemUTC());
        String uploadId = seam.createUpload("sets/Members/AA000001.rdb", Map.of(MtimeMetadata.NAME, MtimeMetadata.format(before),
                Bucket.PART_SIZE_METADATA, String.valueOf(5 * MB)));
        byte[] first = Arrays.copyOf(Files.readAllBytes(app.source.resolve("Members/AA000001.rdb")), 5 * MB);
        seam.uploadPart("sets/Members/AA000001.rdb", uploadId, 1, Bucket.Body.of(first), null);
        Files.setLastModifiedTime(app.source.resolve("Members/AA000001.rdb"), FileTime.from(now)); // the backup application touched it

        assertThat(app.sync().status().name()).isEqualTo("OK");

        assertThat(storedMtimes()).containsEntry("sets/Members/AA000001.rdb", MtimeMetadata.format(now));
        assertThat(app.pendingUploads()).isZero();
    }

    /** The modification time of each regular file under root, by relative path. */
    private static Map<String, Instant> mtimes(Path root) throws Exception {
        Map<String, Instant> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.getLastModifiedTime(p).toInstant());
            }
        }
        return out;
    }

    @Test
    void restore_set_gives_each_file_its_sources_modification_time_to_the_nanosecond() throws Exception {
        write("new.rdb", 999, 1, Instant.parse("2026-11-02T03:04:05.123456789Z"));
        write("Members/AA000001.rdb", 11 * MB + 7, 2, Instant.parse("2026-11-03T03:04:05Z"));
        write("Members/empty.rdb", 0, 3, Instant.parse("2020-01-01T00:00:00.000000001Z"));
        assertThat(app.sync().status().name()).isEqualTo("OK");
        Path target = dir.resolve("restored");

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("modification times: 3 file(s) as stored at upload (mtime metadata), 0 from the object's"
                + " LastModified").doesNotContain("download time");
        assertThat(mtimes(target)).isEqualTo(mtimes(app.source));
    }

    @Test
    void an_object_stored_without_mtime_gets_its_last_modified_and_the_summary_counts_it() throws Exception {
        write("new.rdb", 999, 1, Instant.parse("2026-11-02T03:04:05.123456789Z"));
        assertThat(app.sync().status().name()).isEqualTo("OK");
        // as an older Offsite, or aws s3 cp, stored it: no x-amz-meta-mtime
        app.client.putObject(b -> b.bucket(app.s3.bucket()).key("sets/older.rdb"), RequestBody.fromString("stored before mtimes"));
        Instant listed = TestS3.list(app.client, app.s3.bucket(), "sets/").stream().filter(o -> o.key().equals("sets/older.rdb"))
                .findFirst().orElseThrow().lastModified();
        Path target = dir.resolve("restored");

        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("modification times: 1 file(s) as stored at upload (mtime metadata), 1 from the object's"
                + " LastModified (stored without mtime: an older Offsite or another tool)");
        assertThat(Files.getLastModifiedTime(target.resolve("older.rdb")).toInstant()).isEqualTo(listed);
        assertThat(Files.getLastModifiedTime(target.resolve("new.rdb")).toInstant()).isEqualTo(Instant.parse("2026-11-02T03:04:05.123456789Z"));
    }

    @Test
    void an_interrupted_restore_resumed_gives_the_resumed_file_its_time_and_leaves_the_others_as_they_are() throws Exception {
        write("a.rdb", 3 * MB, 1, Instant.parse("2026-11-02T03:04:05.25Z"));
        write("b.rdb", 2 * MB, 2, Instant.parse("2026-11-03T03:04:05.75Z"));
        assertThat(app.sync().status().name()).isEqualTo("OK");
        Path target = dir.resolve("restored");
        assertThat(app.command("restore-set", "--to", target.toString()).exit()).isZero();
        // an interrupted restore that had brought back b.rdb and half of a.rdb (its partial download resumes by a ranged GET)
        Path work = Files.createDirectories(target.resolve(SetRestore.WORK));
        byte[] half = Arrays.copyOf(Files.readAllBytes(target.resolve("a.rdb")), MB + 3);
        Files.delete(target.resolve("a.rdb"));
        RemoteObject a = bucketObject("sets/a.rdb");
        Files.write(SetRestore.partialFile(work, a), half);

        OffsiteHarness.CommandResult resumed = app.command("restore-set", "--to", target.toString());

        assertThat(resumed.exit()).as(resumed.out()).isZero();
        assertThat(resumed.out()).contains("modification times: 1 file(s) as stored at upload (mtime metadata), 0 from the object's"
                + " LastModified (stored without mtime: an older Offsite or another tool); files already there kept theirs");
        assertThat(mtimes(target)).isEqualTo(mtimes(app.source));
    }

    private RemoteObject bucketObject(String key) {
        return new S3Bucket(app.client, app.s3, new Fallbacks()).list("sets/").stream().filter(o -> o.key().equals(key)).findFirst()
                .orElseThrow();
    }

    /** Whether rclone is on the PATH (.ci/run installs it; a developer's machine may lack it). */
    private static boolean rcloneInstalled() throws Exception {
        try {
            return new ProcessBuilder("rclone", "version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor() == 0;
        } catch (IOException notThere) {
            return false;
        }
    }

    /** Runs rclone on the harness's bucket as remote "offsite:" (configured from the environment, no config file); its output. */
    private String rclone(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rclone", "--s3-no-check-bucket"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.startsWith("RCLONE_")); // the harness's bucket alone
        env.put("RCLONE_CONFIG", dir.resolve("no-rclone.conf").toString());
        env.put("RCLONE_CONFIG_OFFSITE_TYPE", "s3");
        env.put("RCLONE_CONFIG_OFFSITE_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_OFFSITE_ENDPOINT", app.s3.endpoint().toString());
        env.put("RCLONE_CONFIG_OFFSITE_REGION", app.s3.region());
        env.put("RCLONE_CONFIG_OFFSITE_ACCESS_KEY_ID", app.s3.accessKey());
        env.put("RCLONE_CONFIG_OFFSITE_SECRET_ACCESS_KEY", app.s3.secretKey());
        env.put("RCLONE_CONFIG_OFFSITE_FORCE_PATH_STYLE", "true");
        env.put("TZ", "UTC"); // lsl prints local times
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("rclone %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void rclone_lists_the_modification_times_offsite_stored_and_offsite_restores_those_rclone_stored() throws Exception {
        Assumptions.assumeTrue(rcloneInstalled(), "rclone is not installed");
        write("new.rdb", 999, 1, Instant.parse("2026-11-02T03:04:05.123456789Z"));
        write("Members/AA000001.rdb", 11 * MB + 7, 2, Instant.parse("2026-11-03T03:04:05Z")); // multipart
        assertThat(app.sync().status().name()).isEqualTo("OK");
        Path uploadedByRclone = dir.resolve("by-rclone.rdb");
        Files.writeString(uploadedByRclone, "a chunk rclone copied");
        Files.setLastModifiedTime(uploadedByRclone, FileTime.from(Instant.parse("2025-06-07T08:09:10.987654321Z")));
        rclone("copyto", uploadedByRclone.toString(), "offsite:" + app.s3.bucket() + "/sets/by-rclone.rdb");

        String listed = rclone("lsl", "offsite:" + app.s3.bucket() + "/sets");
        Path target = dir.resolve("restored");
        OffsiteHarness.CommandResult result = app.command("restore-set", "--to", target.toString());

        assertThat(listed.lines().map(String::trim)).contains("999 2026-11-02 03:04:05.123456789 new.rdb",
                (11 * MB + 7) + " 2026-11-03 03:04:05.000000000 Members/AA000001.rdb");
        assertThat(result.exit()).as(result.out()).isZero();
        assertThat(result.out()).contains("modification times: 3 file(s) as stored at upload (mtime metadata), 0 from");
        assertThat(Files.getLastModifiedTime(target.resolve("by-rclone.rdb")).toInstant()).isEqualTo(Instant.parse("2025-06-07T08:09:10.987654321Z"));
        assertThat(Files.getLastModifiedTime(target.resolve("new.rdb")).toInstant()).isEqualTo(Instant.parse("2026-11-02T03:04:05.123456789Z"));
    }
}
