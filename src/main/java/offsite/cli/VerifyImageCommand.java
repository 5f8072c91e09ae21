package offsite.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import offsite.image.ImageVerify;
import offsite.image.VerifyKey;
import offsite.report.RunStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Whether a host's image backups could be restored, without a place to restore to: every backup's objects present at
 * their manifest sizes (one listing), and with --deep the chosen backup rebuilt as a restore rebuilds it, every SHA-256
 * checked, nothing extracted. Exit 1 when any backup checked could not be restored, or a manifest cannot be read.
 */
@Command(name = "verify-image", description = "Check that image backups could be restored: objects present at their sizes,"
        + " signatures good (with a verify key); --deep rebuilds one and checks its SHA-256s.")
final class VerifyImageCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Option(names = "--host", description = "the host whose backups to check (default: this machine's offsite.image.host, or the only"
            + " host there is)")
    String host;

    @Option(names = "--id", description = "check this backup only (and its complete image); --deep rebuilds it")
    String id;

    @Option(names = "--at", description = "check the newest backup at or before this ISO-8601 time only, e.g. 2026-11-23T10:00:00Z")
    Instant at;

    @Option(names = "--deep", description = "also download the newest backup checked (or each, with --all), rebuild its image and"
            + " check every SHA-256 against its manifest; nothing is extracted")
    boolean deep;

    @Option(names = "--all", description = "with --deep: rebuild every backup checked, not only the newest")
    boolean all;

    @Option(names = "--verify-key", paramLabel = "FILE", description = "an OpenPGP public key whose good signature every manifest"
            + " checked must carry (default: offsite.image.verify-key; neither: not checked)")
    Path verifyKey;

    @Override
    public Integer call() throws Exception {
        if (all && !deep) {
            System.err.println("offsite: --all is for --deep (every backup rebuilt): without --deep every backup is checked already");
            return 2;
        }
        // a bad file is a SettingError naming --verify-key: exit 2 through the command line's handler, as every refused option
        VerifyKey givenKey = verifyKey == null ? null : VerifyKey.load(verifyKey, "--verify-key");
        try (OneShot app = new OneShot(parent.configFile(), "verify-image", Map.of())) {
            ImageVerify verify = app.bean("imageVerify", ImageVerify.class);
            ImageVerify.Outcome outcome;
            try (ProgressLine line = new ProgressLine(System.err, System.console() != null, verify::progress)) {
                outcome = verify.check(new ImageVerify.Request(host, id, at, deep, all, givenKey), System.out::println);
            }
            System.out.println(outcome.verdict());
            if (outcome.note() != null) {
                System.out.println(outcome.note());
            }
            return outcome.status() == RunStatus.OK ? 0 : 1; // a backup not rebuilt for want of room was not checked
        }
    }
}
