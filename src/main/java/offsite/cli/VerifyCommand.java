package offsite.cli;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import offsite.config.SettingLayers;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.store.Bucket;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.StoreException;
import offsite.sync.DamagedObjects;
import offsite.sync.Pass;
import offsite.sync.PassesInFlight;
import offsite.sync.PlannedFile;
import offsite.sync.RunProgress;
import offsite.sync.SetVerify;
import offsite.sync.SyncRequest;
import offsite.sync.SyncPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Compares the bucket with the local set by size and ETag, without downloading; exit 1 when anything differs (a file
 * held back or still being written included), WARN with exit 0 when the only doubt is a file still being written that the
 * bucket holds at its size: OK only when every file was compared and found equal.
 */
@Command(name = "verify", description = "Compare the bucket with the local backup set by size and ETag; name every difference.")
final class VerifyCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--deep", paramLabel = "N", description = "also hash N random unchanged files from their bytes, locally and downloaded, against their ETags")
    int deep;

    @Override
    public Integer call() throws Exception {
        if (deep < 0) {
            System.err.println("offsite: --deep " + deep + ": expected a number of files to hash, 1 or more (or no --deep)");
            return 2;
        }
        try (OneShot app = new OneShot(parent.configFile(), "verify", Map.of())) {
            if (app.camel().resolvePropertyPlaceholders("{{offsite.sync.source}}").isBlank()) { // as `sync` says it
                System.err.println("offsite: offsite.sync.source is empty: the backup-set mirror is off (set it to the directory to verify)"
                        + SettingLayers.emptiedBy("offsite.sync.source", System.getenv(), System.getProperties()));
                return 2;
            }
            S3Settings s3 = app.bean("s3Settings", S3Settings.class);
            try {
                // a dry run plans against an empty bucket when there is none, which would call every file missing
                if (!app.bean("bucket", Bucket.class).exists()) {
                    System.out.println("FAILED: " + S3Errors.missingBucket(s3, "nothing to verify against"));
                    return 1;
                }
            } catch (StoreException | SdkException e) {
                System.out.println("FAILED: " + S3Errors.explain(e, s3));
                return 1;
            }
            // a dry run that accepts changes: the change guard's refusal protects a pass that writes, and verify's whole job
            // is to name every difference, the more so when most of the set differs
            SyncRequest request = SyncRequest.command(true, false, true);
            Exception failure;
            try (ProgressLine progress = new ProgressLine(System.err, System.console() != null,
                    app.bean("passesInFlight", PassesInFlight.class)::current)) {
                failure = app.camel().createProducerTemplate().send("direct:sync", e -> e.getMessage().setBody(request)).getException();
            }
            Pass pass = request.pass();
            if (pass == null) {
                System.out.println("FAILED: the sync-pass route ended without a report" + (failure == null ? "" : ": " + failure.getMessage()));
                return 1;
            }
            SyncReport report = pass.report();
            SyncPlan plan = pass.plan();
            if (report.status() == RunStatus.FAILED || plan == null) {
                System.out.println("FAILED: " + report.reason());
                return 1;
            }
            SetVerify verify = app.bean("setVerify", SetVerify.class);
            List<SetVerify.Difference> differences = new ArrayList<>(verify.differences(plan));
            List<SetVerify.Difference> notCompared = new ArrayList<>(verify.notCompared(plan));
            List<String> resent = new ArrayList<>();
            List<PlannedFile> sample = SetVerify.deepSample(plan, deep, new Random());
            if (!sample.isEmpty()) {
                RunProgress progress = new RunProgress("deep check", SetVerify.deepBytes(sample));
                try (ProgressLine line = new ProgressLine(System.err, System.console() != null, () -> progress)) {
                    for (SetVerify.Difference found : verify.deep(sample, progress)) {
                        (found.doubt() ? notCompared : differences).add(found); // changed on either side while it was checked: a doubt
                        if (found.damaged() != null) { // its file whole here: the next pass sends it again
                            try {
                                app.bean("damagedObjects", DamagedObjects.class).found(found.key(), new DamagedObjects.Found(found.damaged(),
                                        Instant.now(), found.what()));
                                resent.add(found.key());
                            } catch (IOException e) {
                                System.err.println("offsite: cannot keep " + found.key() + " as damaged for the next pass: " + e.getMessage());
                            }
                        }
                    }
                }
            }
            differences.forEach(d -> System.out.println(d.key() + ": " + d.what()));
            notCompared.forEach(d -> System.out.println(d.key() + ": " + d.what()));
            long checked = plan.files().size();
            String verdict = !differences.isEmpty() ? "FAILED: " : !notCompared.isEmpty() ? "WARN: " : "OK: ";
            System.out.println(verdict + differences.size() + " difference(s) in " + checked + " files and objects"
                    + (notCompared.isEmpty() ? "" : ", " + notCompared.size() + " not compared (still being written, or changed while checked)")
                    + (deep > 0 ? ", " + sample.size() + " files hashed here and their objects downloaded and hashed" : ""));
            if (!resent.isEmpty()) {
                System.out.println("note: the next pass sends again the file of each object found damaged (" + String.join(", ", resent)
                        + "), the damaged copy kept in the trash first");
            }
            return differences.isEmpty() ? 0 : 1;
        }
    }
}
