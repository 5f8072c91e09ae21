package offsite.cli;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import offsite.files.RestoreTarget;
import offsite.store.Bucket;
import offsite.store.Generations;
import offsite.store.Listing;
import offsite.store.RemoteObject;
import offsite.store.S3Errors;
import offsite.store.S3Settings;
import offsite.store.StoreException;
import offsite.sync.PrintableName;
import offsite.sync.RecordedSetCheck;
import offsite.sync.RestoreChoice;
import offsite.sync.RunProgress;
import offsite.sync.SetRestore;
import offsite.sync.SyncSettings;
import org.apache.camel.CamelExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Downloads the mirrored set into a directory, verifying every object; resumes an interrupted restore. Exit 0 only
 * when every listed object is back with every listed byte; an empty generation or prefix is a failure.
 */
@Command(name = "restore-set", description = "Download the mirrored backup set into DIR, each object checked against its ETag.")
final class RestoreSetCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "where to restore (empty, or an interrupted restore)")
    Path to;

    @Option(names = "--generation", paramLabel = "G", description = "restore generation G (default: the current one once it is mirrored"
            + " whole, else the newest one that is)")
    Integer generation;

    @Option(names = "--overwrite", description = "restore into a non-empty directory, replacing files of the same name")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Path dir = to.toAbsolutePath().normalize();
        String refusal = RestoreTarget.notAFolder(to); // before `to` is made absolute: an empty one is the working directory
        if (refusal == null) {
            refusal = RestoreTarget.blankEnds(to.toString());
        }
        if (refusal == null) { // before --to is written in, and before the advice to add --overwrite
            refusal = RestoreTarget.systemRoot(to);
        }
        if (refusal == null) {
            refusal = RestoreTarget.notWritable(to);
        }
        if (refusal == null) {
            refusal = RestoreChoice.refusal(generation);
        }
        if (refusal != null) {
            System.err.println("offsite: " + refusal);
            return 2;
        }
        try (OneShot app = new OneShot(parent.configFile(), "restore-set", Map.of())) {
            // the live set as this run resolved it: an empty source folder is where a lost set comes back, never over newer files
            Path liveSet = app.bean("syncSettings", SyncSettings.class).source();
            Path dataDir = app.pathSetting("offsite.data.dir");
            refusal = RestoreTarget.inLiveSet(to, liveSet, overwrite, SetRestore.refusal(dir, false) == null);
            if (refusal == null) {
                refusal = RestoreTarget.inDataDir(to, dataDir);
            }
            if (refusal == null) {
                refusal = SetRestore.refusal(dir, overwrite);
            }
            if (refusal != null) {
                System.err.println("offsite: " + refusal);
                return 2;
            }
            S3Settings s3 = app.bean("s3Settings", S3Settings.class);
            try {
                if (!app.bean("bucket", Bucket.class).exists()) {
                    System.out.println("FAILED: " + S3Errors.missingBucket(s3, "nothing to restore"));
                    return 1;
                }
                Generations generations = app.bean("generations", Generations.class);
                RestoreChoice choice = RestoreChoice.of(generations.load(), generation, generations::prefixOf);
                if (choice.note() != null) {
                    System.out.println("note: " + choice.note());
                }
                Listing listing = app.request("direct:list-objects", new Listing(s3.bucket(), choice.generation().prefix()), Listing.class);
                List<RemoteObject> objects = listing.objects();
                // --to above the data dir or the source (a parent of both) is fine until a key's path leads into one of them
                refusal = SetRestore.landsIn(dir, objects, listing.prefix(), RestoreTarget.keptOut(dataDir, liveSet));
                if (refusal != null) {
                    System.err.println("offsite: " + refusal);
                    return 2;
                }
                // before the downloads: on a bad night, what is gone is the first thing to know, not the last
                RecordedSetCheck recorded = RecordedSetCheck.of(choice, generations.listing(choice.generation()), objects);
                recorded.notes().forEach(n -> System.out.println("note: " + n));
                recorded.named().forEach(n -> System.out.println("  " + n));
                String source = "s3://" + listing.bucket() + "/" + listing.prefix() + (generation == null ? "" : " (generation " + generation + ")");
                RunProgress progress = new RunProgress(objects.stream().mapToLong(RemoteObject::size).sum());
                SetRestore.Outcome outcome;
                try (ProgressLine line = new ProgressLine(System.err, System.console() != null, () -> progress)) {
                    outcome = app.bean("setRestore", SetRestore.class).restore(objects, source, listing.prefix(), dir, overwrite, progress);
                }
                outcome.problems().forEach(p -> System.out.println("  " + p));
                List<Path> unlisted = SetRestore.unlisted(dir, objects, listing.prefix());
                if (!unlisted.isEmpty()) { // --overwrite replaces files of the set's names; the others stay, and the user must know
                    System.out.println("note: " + unlisted.size() + " file(s) in " + dir + " are not in the set and were left as they were: "
                            + unlisted.stream().limit(10).map(p -> PrintableName.of(p.toString())).collect(Collectors.joining(", "))
                            + (unlisted.size() > 10 ? ", ..." : "") + " (restore into an empty directory for the set alone)");
                }
                if (outcome.mtimes() != null) {
                    System.out.println(outcome.mtimes());
                }
                String missing = recorded.missing();
                if (missing != null && !objects.isEmpty()) {
                    System.out.println(recorded.partialSet(dir));
                }
                System.out.println(outcome.verdict(choice.shortfall(), missing));
                return outcome.ok() && choice.shortfall() == null && missing == null ? 0 : 1;
            } catch (Generations.Refused | StoreException | SdkException | CamelExecutionException | UncheckedIOException e) {
                // the service's failure in the words `sync` and `verify` use: what to check, exit 1 as for any restore that fell short
                System.out.println("FAILED: " + S3Errors.explain(e, s3));
                return 1;
            }
        }
    }
}
