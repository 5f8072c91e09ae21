package offsite.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import offsite.report.ByteSize;
import offsite.report.ReportStore;
import offsite.report.RestoreTestReport;
import offsite.report.RunStatus;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * run's restore test of the backup set (offsite.sync.verify-cron), as `verify --deep N` does it: a dry pass plans, then
 * offsite.sync.verify-files files the bucket holds unchanged, taken at random, are downloaded and hashed, and hashed here
 * from their bytes, each against its object's ETag. A part of the set restored, nothing written. What the plan would
 * send (files changed since the last pass) is the next pass's work, not a failed test.
 */
public final class SampledRestore {

    private static final Logger LOG = LoggerFactory.getLogger(SampledRestore.class);

    private final SetVerify verify;
    private final int files;
    private final S3Settings s3;
    private final ReportStore reports;
    private final DamagedObjects damaged;
    private final Random random;
    private final Clock clock;

    public SampledRestore(SetVerify verify, int files, S3Settings s3, ReportStore reports, DamagedObjects damaged, Random random,
            Clock clock) {
        this.verify = verify;
        this.files = files;
        this.s3 = s3;
        this.reports = reports;
        this.damaged = damaged;
        this.random = random;
        this.clock = clock;
    }

    /** The dry pass the test plans by: it sends nothing, and takes changes as verify does (the change guard guards passes that write). */
    public SyncRequest request() {
        return SyncRequest.restoreTest();
    }

    /** The test of the planned set (the request's pass, ended), as a report kept beside the others (verify-latest.json), to send. */
    public RestoreTestReport check(SyncRequest request) {
        Pass pass = request.pass();
        Instant started = pass == null ? clock.instant() : pass.started();
        List<String> lines = new ArrayList<>();
        Verdict verdict;
        if (pass == null) {
            verdict = new Verdict(RunStatus.FAILED, "not tested: the sync-pass route ended without a report (routes/sync.yaml edited?)");
        } else if (pass.report().skipped() || pass.report().status() == RunStatus.FAILED || pass.plan() == null) {
            // put off by the backup application at work: next week's test; a pass that could not plan: as it failed
            verdict = new Verdict(pass.report().skipped() ? RunStatus.WARN : RunStatus.FAILED, "not tested: " + pass.report().reason());
        } else {
            verdict = sampled(pass.plan(), lines);
        }
        RestoreTestReport report = new RestoreTestReport("verify", verdict.status(), started, clock.instant(), lines,
                verdict.status() + ": " + verdict.says(), null);
        try {
            reports.save(report);
        } catch (IOException e) {
            LOG.error("cannot write the restore test's report: {}", e.getMessage());
        }
        return report;
    }

    private record Verdict(RunStatus status, String says) {
    }

    /** Files of the plan the bucket holds as they are here, taken at random, downloaded and hashed: a line each. */
    private Verdict sampled(SyncPlan plan, List<String> lines) {
        List<PlannedFile> sample = SetVerify.deepSample(plan, files, random);
        if (sample.isEmpty()) {
            return new Verdict(RunStatus.WARN, "not tested: no file of the set is in the bucket as it is here (has a pass ended yet?)");
        }
        List<SetVerify.Difference> found;
        try {
            found = verify.deep(sample, new RunProgress("restore test", SetVerify.deepBytes(sample)));
        } catch (IOException | UncheckedIOException | StoreException | SdkException e) {
            String why = e instanceof IOException local ? local.getMessage() : S3Errors.explain(e, s3);
            found = sample.stream().map(f -> new SetVerify.Difference(f.key(), "not checked: " + why)).toList();
        }
        Map<String, SetVerify.Difference> byKey = found.stream().collect(Collectors.toMap(SetVerify.Difference::key, Function.identity(),
                (a, b) -> a));
        List<String> resent = resendDamaged(found);
        long checked = 0;
        List<String> broken = new ArrayList<>();
        for (PlannedFile f : sample) {
            SetVerify.Difference d = byKey.get(f.key());
            if (d == null) {
                checked++;
                lines.add(String.format("%-8s %s  %s downloaded, its bytes and the local file's as its ETag says", "ok", f.key(),
                        ByteSize.format(f.size())));
            } else {
                lines.add(String.format("%-8s %s  %s", d.doubt() ? "doubt" : "BROKEN", f.key(), d.what()));
                if (!d.doubt()) {
                    broken.add(f.key() + " (" + d.what() + ")");
                }
            }
        }
        String of = sample.size() + " file(s) of the set taken at random";
        if (!broken.isEmpty()) {
            String mended = resent.isEmpty() ? "" : ". The next pass sends again the file of each object found damaged ("
                    + String.join(", ", resent) + "), the damaged copy kept in the trash first";
            String others = resent.size() == broken.size() ? "" : ". For the others, see each file's line";
            return new Verdict(RunStatus.FAILED, broken.size() + " of " + of + " would not restore as they are here: "
                    + String.join("; ", broken) + mended + others + "; `bin/offsite verify --deep N` checks again, and more");
        }
        if (checked == 0) {
            return new Verdict(RunStatus.WARN, "not tested: each of " + of + " changed while it was checked (the backup application"
                    + " at work?)");
        }
        return new Verdict(RunStatus.OK, checked + " of " + of + " downloaded and checked: their bytes, and the local files', as"
                + " their ETags say");
    }

    /** Keeps each object found damaged (its local file whole) for the next pass to send again; the keys kept. */
    private List<String> resendDamaged(List<SetVerify.Difference> found) {
        List<String> kept = new ArrayList<>();
        for (SetVerify.Difference d : found) {
            if (d.damaged() != null) {
                try {
                    damaged.found(d.key(), new DamagedObjects.Found(d.damaged(), clock.instant(), d.what()));
                    kept.add(d.key());
                } catch (IOException e) {
                    LOG.error("cannot keep {} as damaged for the next pass to send again: {}", d.key(), e.getMessage());
                }
            }
        }
        return kept;
    }
}
