package offsite.image;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import offsite.config.SettingError;
import offsite.files.DriveLook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an image holds: absolute roots (none a symbolic link), minus the excludes; the secret files among them,
 * scrubbed in the base by the built-in patterns and the scrub rules. Excludes and secrets are java.nio "glob:" patterns matched against
 * the whole absolute path: "*" stays within one name, "**" crosses "/", "{a,b}" is either. An excluded directory
 * drops its whole subtree ("/var/cache"); "/var/cache/**" keeps the directory entry and drops what is under it;
 * "**.log" drops every .log file. A secret glob marks regular files; one it matches on a symlink marks the regular file
 * the link finally leads to, when that is in the image; one it matches on a directory marks what is under it, as
 * DIR/** would (see {@link SecretGlobs}).
 * Offsite's own folders (its data directory, where the image is built and the last one indexed) are never in it.
 */
public record TreeSelection(List<Path> roots, List<String> excludes, List<String> secrets, List<String> scrubRules, List<Path> ownFolders) {

    private static final Logger LOG = LoggerFactory.getLogger(TreeSelection.class);
    private static final Duration ROOT_ANSWERS_WITHIN = Duration.ofSeconds(5);

    public TreeSelection(List<Path> roots, List<String> excludes, List<String> secrets, List<String> scrubRules) {
        this(roots, excludes, secrets, scrubRules, List.of());
    }

    public TreeSelection {
        roots = List.copyOf(roots);
        ownFolders = ownFolders.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        excludes = List.copyOf(excludes);
        secrets = List.copyOf(secrets);
        scrubRules = List.copyOf(scrubRules);
        for (Path root : roots) {
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("offsite.image.roots: '" + root + "' is not absolute (expected paths such as /etc,/srv)");
            }
        }
        excludes.forEach(g -> matcher("offsite.image.excludes", g));
        secrets.forEach(g -> matcher("offsite.image.secrets", g));
        new PasswordScrubber(scrubRules);
    }

    /** The same selection, keeping folder out too, whatever the excludes say. */
    public TreeSelection keepingOut(Path folder) {
        Path real = folder;
        try {
            real = folder.toRealPath(); // a root reached through a symbolic link walks the real names
        } catch (IOException e) {
            // not there yet: nothing of it to keep out under its real name either
        }
        return keepingOut(List.of(folder, real));
    }

    /** The same, keeping these folders out by the names given: none is looked at (a hung drive's mount point is not). */
    public TreeSelection keepingOut(List<Path> folders) {
        return new TreeSelection(roots, excludes, secrets, scrubRules, Stream.concat(ownFolders.stream(), folders.stream()).distinct().toList());
    }

    /**
     * At start: refuses a root that is a symbolic link (refuseLink). Each root is looked at aside (DriveLook): one on a
     * share that gives no answer within a few seconds is said and left to the walk, so a hung share never holds the start
     * (and with it the mirror); the walk's own look comes at each backup, and the stall watch says a backup it holds.
     */
    public static void refuseLinks(List<Path> roots) {
        for (Path root : roots) {
            if (DriveLook.within(ROOT_ANSWERS_WITHIN, () -> {
                refuseLink(root);
                return Boolean.TRUE;
            }).isEmpty()) {
                LOG.warn("offsite.image.roots: {} did not answer within {} s (a share that hung?): not looked at now; each image backup"
                        + " reads it, and one held longer than offsite.stalled-after is said", root, ROOT_ANSWERS_WITHIN.toSeconds());
            }
        }
    }

    /**
     * Refuses a root that is a symbolic link, naming where it leads: the walk never follows links, so the image would
     * hold the link alone, and no exclude or secret glob under it would match.
     */
    static void refuseLink(Path root) {
        if (!Files.isSymbolicLink(root)) {
            return;
        }
        Path target;
        try {
            target = root.toRealPath();
        } catch (IOException unresolved) {
            try {
                target = root.resolveSibling(Files.readSymbolicLink(root)).normalize(); // missing, or a loop
            } catch (IOException gone) {
                return; // no longer a link: the walk finds what is there
            }
        }
        throw new SettingError("offsite.image.roots", root.toString(), "folders that are not symbolic links: " + root + " leads to "
                + target + "; name " + target);
    }

    List<PathMatcher> excludeMatchers() {
        List<PathMatcher> out = new ArrayList<>(excludes.stream().map(g -> matcher("offsite.image.excludes", g)).toList());
        ownFolders.forEach(folder -> out.add(p -> p.startsWith(folder)));
        return out;
    }

    SecretGlobs secretGlobs() {
        return new SecretGlobs(secrets, secrets.stream().map(g -> matcher("offsite.image.secrets", g)).toList());
    }

    /** The search for the secret globs' files outside the image, whose other names in it are secret too. */
    SecretsOutsideTree secretsOutside() {
        return new SecretsOutsideTree(roots, secrets, secrets.stream().map(g -> matcher("offsite.image.secrets", g)).toList());
    }

    private static PathMatcher matcher(String setting, String glob) {
        if (!glob.startsWith("/") && !glob.startsWith("**") && !glob.startsWith("{")) {
            throw new IllegalArgumentException(setting + ": '" + glob + "' can never match (expected a glob on the absolute path, such as /var/cache or **.log)");
        }
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(setting + ": '" + glob + "' is not a glob: " + e.getMessage().lines().findFirst().orElse("")
                    + " (expected java.nio glob syntax, such as /var/cache/** or /srv/app/*.{env,json})");
        }
    }
}
