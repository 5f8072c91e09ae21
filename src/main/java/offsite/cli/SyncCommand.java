package offsite.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.sync.SyncPass;
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

    @Override
    public Integer call() throws Exception {
        try (OneShot app = new OneShot(parent.configFile(), "sync", Map.of())) {
            SyncPass pass = app.bean("syncPass", SyncPass.class);
            SyncReport report;
            try (ProgressLine progress = new ProgressLine(System.err, System.console() != null, pass::progress)) {
                report = app.camel().createProducerTemplate().requestBodyAndHeaders("direct:sync", null,
                        java.util.Map.of("offsiteDryRun", dryRun, "offsiteNewGeneration", newGeneration), SyncReport.class);
            }
            if (dryRun) {
                System.out.print(pass.planText());
            }
            System.out.print(report.text());
            return report.status() == RunStatus.FAILED ? 1 : 0;
        }
    }
}
