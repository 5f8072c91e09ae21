package offsite.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import offsite.image.ImageBackup;
import offsite.image.ImagePass;
import offsite.image.ImageRequest;
import offsite.image.ImageSettings;
import offsite.report.ImageReport;
import offsite.report.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** One image backup now, with its report; exit 1 on FAILED. */
@Command(name = "image", description = "Back up the machine image once now (a delta, or a complete image when due) and print the report.")
final class ImageCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--full", description = "send a complete image whatever the rule says")
    boolean full;

    @Override
    public Integer call() throws Exception {
        try (OneShot app = new OneShot(parent.configFile(), "image", Map.of())) {
            if (!app.bean("imageSettings", ImageSettings.class).enabled()) {
                System.err.println("offsite: offsite.image.roots is empty (expected the absolute paths to back up, such as /etc,/srv)");
                return 2;
            }
            ImageRequest request = ImageRequest.command(full);
            Exception failure;
            try (ProgressLine line = new ProgressLine(System.err, System.console() != null, app.bean("imageBackup", ImageBackup.class)::progress)) {
                failure = app.camel().createProducerTemplate().send("direct:image", e -> e.getMessage().setBody(request)).getException();
            }
            ImagePass pass = request.pass();
            if (pass == null) {
                System.err.println("offsite: the image-backup route ended without a report" + (failure == null ? "" : ": " + failure.getMessage())
                        + " (routes/image.yaml: its imageBackup finish step must stay in the route)");
                return 2;
            }
            ImageReport report = pass.report();
            System.out.print(report.text());
            return report.status() == RunStatus.FAILED ? 1 : 0;
        }
    }
}
