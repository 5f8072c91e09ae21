package offsite.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import offsite.OffsiteApp;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** The long-running process: every scheduled route, the status page, until stopped. */
@Command(name = "run", description = "Run the scheduled pipelines until stopped (the default).")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Override
    public Integer call() throws Exception {
        return run(parent);
    }

    int run(OffsiteCommand top) throws Exception {
        Main main = OffsiteApp.create(top.configFile(), Map.of("offsite.mode", "run"));
        try {
            main.run();
        } catch (Exception e) {
            OffsiteApp.abandon(main);
            throw e;
        }
        return main.getExitCode();
    }
}
