package offsite.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import offsite.OffsiteApp;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.report.SyncReportText;
import offsite.sync.SyncPass;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
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

    @Override
    public Integer call() throws Exception {
        Main main = OffsiteApp.create(parent.configFile(), Map.of(
                "offsite.mode", "sync", "offsite.sync.scheduled", "false", "offsite.sync.run-on-start", "false"));
        main.start();
        try {
            CamelContext camel = main.getCamelContext();
            SyncPass pass = camel.getRegistry().lookupByNameAndType("syncPass", SyncPass.class);
            SyncReport report;
            try (ProgressLine progress = new ProgressLine(System.err, System.console() != null, pass::progress)) {
                report = camel.createProducerTemplate()
                        .requestBodyAndHeader("direct:sync", null, "offsiteDryRun", dryRun, SyncReport.class);
            }
            if (dryRun) {
                System.out.print(pass.planText());
            }
            System.out.print(SyncReportText.render(report));
            return report.status() == RunStatus.FAILED ? 1 : 0;
        } finally {
            main.stop();
        }
    }
}
