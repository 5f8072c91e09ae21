package offsite.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import offsite.config.SettingLayers;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.sync.Pass;
import offsite.sync.PassesInFlight;
import offsite.sync.SyncRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** One mirror pass now: every guard and the maximum duration hold, the cron start does not. */
@Command(name = "sync", description = "Mirror the backup set once now and print the report. Exit 0 on OK or WARN, 1 on FAILED.")
final class SyncCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--dry-run", description = "print the plan (one line per file, totals, estimated time) and write nothing remote")
    boolean dryRun;

    @Option(names = "--new-generation", description = "start a fresh remote copy under a new generation prefix; the old one stays"
            + " until the new one is complete, verified and offsite.sync.retire-after-days old")
    boolean newGeneration;

    @Option(names = "--accept-changes", description = "let this pass replace more than offsite.sync.max-change-percent of the stored"
            + " bytes (after the change guard refused a pass, once the source is checked)")
    boolean acceptChanges;

    @Override
    public Integer call() throws Exception {
        try (OneShot app = new OneShot(parent.configFile(), "sync", Map.of())) {
            if (app.camel().resolvePropertyPlaceholders("{{offsite.sync.source}}").isBlank()) {
                System.err.println("offsite: offsite.sync.source is empty: the backup-set mirror is off (set it to the directory to mirror)"
                        + SettingLayers.emptiedBy("offsite.sync.source", System.getenv(), System.getProperties()));
                return 2;
            }
            SyncRequest request = SyncRequest.command(dryRun, newGeneration, acceptChanges);
            Exception failure;
            try (ProgressLine progress = new ProgressLine(System.err, System.console() != null,
                    app.bean("passesInFlight", PassesInFlight.class)::current)) {
                failure = app.camel().createProducerTemplate().send("direct:sync", e -> e.getMessage().setBody(request)).getException();
            }
            Pass pass = request.pass();
            if (pass == null) {
                System.err.println("offsite: the sync-pass route ended without a report" + (failure == null ? "" : ": " + failure.getMessage())
                        + " (routes/sync.yaml: its passReport step must stay in the route)");
                return 2;
            }
            SyncReport report = pass.report();
            if (dryRun) {
                System.out.print(pass.planText());
            }
            System.out.print(report.text());
            return report.status() == RunStatus.FAILED ? 1 : 0;
        }
    }
}
