package offsite.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import offsite.faults.FaultProxy;
import offsite.store.Bucket;
import offsite.store.EtagForm;
import offsite.store.Fallbacks;
import offsite.store.RemoteObject;
import offsite.store.S3Bucket;
import offsite.store.S3ClientFactory;
import offsite.store.S3Settings;
import offsite.testing.FaultyS3;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What planning costs where ETags are not MD5s and the hash cache holds no upload ETag (a lost or older cache): one HEAD
 * per same-size object for its md5chksum. java -cp ... offsite.sync.OpaqueEtagPlanBench DIR [FILES] [ROUNDS]: FILES
 * (default 1,000) files of 4 KiB put with their md5chksum into a fresh bucket of an S3Proxy, then ROUNDS (default 7)
 * plans each of: through the fault proxy giving opaque ETags, without upload records (the HEADs) and with them; straight
 * to S3Proxy, opaque, the cache's local ETags not taken for upload ETags (the HEADs without the relay); and on S3Proxy
 * with its ETags taken for MD5s (the cache's local ETags decide). Local ETags are cached before the rounds: only the
 * comparison is timed, not the listing or hashing.
 */
public final class OpaqueEtagPlanBench {

    private OpaqueEtagPlanBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        Path source = dir.resolve("source");
        Random random = new Random(1);
        for (int i = 0; i < count; i++) {
            Path file = source.resolve("d" + (i % 10)).resolve("chunk-" + i + ".rdb");
            Files.createDirectories(file.getParent());
            byte[] bytes = new byte[4096];
            random.nextBytes(bytes);
            Files.write(file, bytes);
        }
        UploadShape shape = new UploadShape(64L << 20, 32L << 20);
        S3Settings direct = FaultyS3.openBucket();
        try (FaultProxy proxy = new FaultProxy(direct.endpoint().getPort()); S3Client client = S3ClientFactory.create(direct, 16);
                S3Client opaqueClient = S3ClientFactory.create(FaultyS3.through(direct, proxy), 16)) {
            proxy.opaqueEtags();
            List<LocalFile> files = new SourceScan(source, Clock.systemUTC(), false).scan().files();
            HashCache hashes = new HashCache(dir.resolve("hash-cache.tsv"), 0, Clock.systemUTC());
            for (LocalFile f : files) {
                String md5 = hashes.etag(f, shape);
                client.putObject(b -> b.bucket(direct.bucket()).key("sets/" + f.relativePath()).metadata(EtagForm.metadata(md5)),
                        RequestBody.fromFile(f.path()));
            }
            Bucket opaqueBucket = new S3Bucket(opaqueClient, FaultyS3.through(direct, proxy), new Fallbacks());
            List<RemoteObject> opaqueListing = opaqueBucket.list("sets/");
            EtagForm opaque = new EtagForm(EtagForm.Setting.OPAQUE, dir.resolve("opaque-etags.txt"), direct.bucket(), new Fallbacks());
            time("opaque, no upload record", rounds, files, opaqueListing, hashes, shape, opaqueBucket, opaque, false);
            Map<String, String> listed = opaqueListing.stream().collect(Collectors.toMap(RemoteObject::key, RemoteObject::etag));
            files.forEach(f -> hashes.uploadedAs(f, shape, listed.get("sets/" + f.relativePath())));
            time("opaque, upload records", rounds, files, opaqueListing, hashes, shape, opaqueBucket, opaque, false);
            Bucket bucket = new S3Bucket(client, direct, new Fallbacks());
            List<RemoteObject> listing = bucket.list("sets/");
            // straight to S3Proxy, its ETags MD5s: the cache's local ETag left out as it is where ETags differ, HEADs without the relay
            time("opaque, direct, no record", rounds, files, listing, hashes, shape, bucket, opaque, true);
            EtagForm auto = new EtagForm(EtagForm.Setting.AUTO, dir.resolve("opaque-etags.txt"), direct.bucket() + "-not-opaque",
                    new Fallbacks());
            time("MD5 ETags (auto)", rounds, files, listing, hashes, shape, bucket, auto, false);
        }
        System.exit(0); // the S3Proxy's threads
    }

    /** recordedOnly: the upload ETags the cache recorded, never its local ETag in their place. */
    private static void time(String name, int rounds, List<LocalFile> files, List<RemoteObject> remote, HashCache hashes, UploadShape shape,
            Bucket bucket, EtagForm etags, boolean recordedOnly) throws Exception {
        double[] millis = new double[rounds];
        int heads = 0;
        for (int round = 0; round < rounds; round++) {
            AtomicInteger asked = new AtomicInteger();
            RecordedContent recorded = new RecordedContent(hashes, shape, bucket, etags);
            SyncPlanner.ContentEvidence counted = new SyncPlanner.ContentEvidence() {
                @Override
                public String uploadedAs(LocalFile file) {
                    return recordedOnly ? hashes.uploadedAs(file, shape) : recorded.uploadedAs(file);
                }

                @Override
                public String md5(LocalFile file) throws IOException {
                    return recorded.md5(file);
                }

                @Override
                public String storedMd5(RemoteObject object) {
                    asked.incrementAndGet();
                    return recorded.storedMd5(object);
                }

                @Override
                public boolean opaque() {
                    return recorded.opaque();
                }
            };
            SyncPlanner planner = new SyncPlanner("sets/", f -> hashes.etag(f, shape), f -> hashes.rehash(f, shape), Set.of(), counted);
            long t0 = System.nanoTime();
            SyncPlan plan = planner.plan(files, List.of(), remote);
            millis[round] = (System.nanoTime() - t0) / 1e6;
            if (plan.with(SyncAction.UNCHANGED).size() != files.size()) {
                throw new IllegalStateException(name + ": not every file planned unchanged");
            }
            heads = asked.get();
        }
        // the first rounds run in the interpreter: the median of the last two thirds is the steady cost
        double[] warm = Arrays.copyOfRange(millis, rounds / 3, rounds);
        Arrays.sort(warm);
        System.out.printf("%-26s %d files, %4d HEADs: plan median %.0f ms (rounds %s)%n", name, files.size(), heads, warm[warm.length / 2],
                Arrays.toString(Arrays.stream(millis).mapToLong(Math::round).toArray()));
    }
}
