package offsite.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import offsite.report.ByteSize;
import offsite.store.Listing;
import offsite.store.RemoteObject;
import offsite.sync.RunProgress;
import offsite.sync.SetRestore;
import offsite.store.Generations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Downloads the mirrored set into a directory, verifying every object; resumes an interrupted restore. */
@Command(name = "restore-set", description = "Download the mirrored backup set into DIR, each object checked against its ETag.")
final class RestoreSetCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "where to restore (empty, or an interrupted restore)")
    Path to;

    @Option(names = "--generation", paramLabel = "G", description = "restore generation G (default: the current one)")
    Integer generation;

    @Option(names = "--overwrite", description = "restore into a non-empty directory, replacing files of the same name")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        Path dir = to.toAbsolutePath().normalize();
        String refusal = SetRestore.refusal(dir, overwrite);
        if (refusal != null) {
            System.err.println("offsite: " + refusal);
            return 2;
        }
        try (OneShot app = new OneShot(parent.configFile(), "restore-set", Map.of())) {
            Generations generations = app.bean("generations", Generations.class);
            String prefix = generation == null ? generations.load().currentGeneration().prefix() : generations.prefixOf(generation);
            String bucket = app.camel().resolvePropertyPlaceholders("{{offsite.s3.bucket}}");
            Listing listing = app.request("direct:list-objects", new Listing(bucket, prefix), Listing.class);
            List<RemoteObject> objects = listing.objects();
            RunProgress progress = new RunProgress(objects.stream().mapToLong(RemoteObject::size).sum());
            List<SetRestore.Restored> results;
            try (ProgressLine line = new ProgressLine(System.err, System.console() != null, () -> progress)) {
                results = app.bean("setRestore", SetRestore.class).restore(objects, listing.prefix(), dir, progress);
            }
            long failed = results.stream().filter(r -> r.problem() != null).count();
            results.stream().filter(r -> r.problem() != null).forEach(r -> System.out.println("  " + r.key() + ": " + r.problem()));
            long kept = results.stream().filter(SetRestore.Restored::skipped).count();
            long bytes = results.stream().mapToLong(SetRestore.Restored::bytes).sum();
            System.out.println((failed == 0 ? "OK: " : "FAILED: ") + (results.size() - failed) + " of " + results.size()
                    + " objects restored to " + dir + " (" + ByteSize.format(bytes) + " downloaded, " + kept + " already there)");
            return failed == 0 ? 0 : 1;
        }
    }
}
