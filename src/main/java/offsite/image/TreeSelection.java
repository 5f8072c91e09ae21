package offsite.image;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * What an image holds: absolute roots, minus the excludes; the secret files among them, scrubbed in the base by
 * the built-in patterns and the scrub rules. Excludes and secrets are java.nio "glob:" patterns matched against
 * the whole absolute path: "*" stays within one name, "**" crosses "/", "{a,b}" is either. An excluded directory
 * drops its whole subtree ("/var/cache"); "/var/cache/**" keeps the directory entry and drops what is under it;
 * "**.log" drops every .log file. A secret glob matches regular files only (never a directory or a symlink).
 */
public record TreeSelection(List<Path> roots, List<String> excludes, List<String> secrets, List<String> scrubRules) {

    public TreeSelection {
        roots = List.copyOf(roots);
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

    List<PathMatcher> excludeMatchers() {
        return excludes.stream().map(g -> matcher("offsite.image.excludes", g)).toList();
    }

    List<PathMatcher> secretMatchers() {
        return secrets.stream().map(g -> matcher("offsite.image.secrets", g)).toList();
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
