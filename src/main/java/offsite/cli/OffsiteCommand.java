package offsite.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** `bin/offsite [run|sync ...]` (or `java -jar offsite.jar ...`): with no command, runs the long-running process. */
@Command(name = "offsite", mixinStandardHelpOptions = true, version = "offsite 0.1.0", scope = ScopeType.INHERIT,
        description = "Gets backup sets and system images offsite to S3.",
        subcommands = {RunCommand.class, SyncCommand.class, VerifyCommand.class, RestoreSetCommand.class, ImageCommand.class,
            RestoreImageCommand.class, VerifyImageCommand.class, OfflineCommand.class, StatusCommand.class, CostCommand.class})
public final class OffsiteCommand implements Callable<Integer> {

    @Option(names = "--config", description = "settings file (default: config/application.properties if present)")
    Path config;

    Path configFile() {
        if (config != null) {
            return config;
        }
        Path standard = Path.of("config", "application.properties");
        return Files.isRegularFile(standard) ? standard : null;
    }

    @Override
    public Integer call() throws Exception {
        return new RunCommand().run(this);
    }

    public static void main(String[] args) {
        int exit = execute(args);
        if (exit == 2) {
            ClassDataRecording.markUnused();
        }
        System.exit(exit);
    }

    public static int execute(String... args) {
        return new CommandLine(new OffsiteCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("offsite: " + Failure.describe(e));
                    if (Boolean.getBoolean("offsite.debug")) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 2;
                })
                .execute(args);
    }
}
