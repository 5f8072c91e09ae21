package offsite.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import offsite.offline.OfflineRequest;
import offsite.report.OfflineReport;
import offsite.report.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * One offline copy now, through the scheduled copy's route (its report saved and sent alike); exit 1 on WARN as on FAILED:
 * a refused copy kept no snapshot, and the drive is the user's to fix.
 */
@Command(name = "offline", description = "Copy the backup set to the offline drive once now and print the report."
        + " Exit 0 on OK, 1 on WARN (refused: no drive, not mounted, backup application at work, no room) or FAILED.")
final class OfflineCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Override
    public Integer call() throws Exception {
        try (OneShot app = new OneShot(parent.configFile(), "offline", Map.of())) {
            if (app.camel().resolvePropertyPlaceholders("{{offsite.offline.destination}}").isBlank()) {
                System.err.println("offsite: offsite.offline.destination is empty: the offline copy is off (set it to the mount point"
                        + " of the drive the copies go to)");
                return 2;
            }
            OfflineRequest request = OfflineRequest.command();
            Exception failure = app.camel().createProducerTemplate().send("direct:offline", e -> e.getMessage().setBody(request)).getException();
            OfflineReport report = request.report();
            if (report == null) {
                System.err.println("offsite: the offline-run route ended without a report" + (failure == null ? "" : ": " + failure.getMessage())
                        + " (routes/offline.yaml: its offlineRun step must stay in the route)");
                return 2;
            }
            System.out.print(report.text());
            return report.status() == RunStatus.OK ? 0 : 1;
        }
    }
}
