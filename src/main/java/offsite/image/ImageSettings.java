package offsite.image;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import offsite.config.SettingError;
import offsite.config.Settings;
import offsite.retention.RetentionPolicy;
import offsite.sync.SyncLock;

/** The offsite.image.* settings. No roots: the image pipeline is off. */
public record ImageSettings(List<Path> roots, List<String> excludes, List<String> secrets, List<String> scrubRules, Path keysDir,
        String prefix, String cron, CompleteImageRule rule, RetentionPolicy keep, int zstdLevel, int fullReadEvery, String host) {

    public ImageSettings {
        new TreeSelection(roots, excludes, secrets, scrubRules); // refuses a bad root, glob or rule at startup
        TreeSelection.refuseLinks(roots);
        if (!prefix.endsWith("/") || prefix.length() < 2 || prefix.startsWith("/")) {
            throw new IllegalArgumentException("offsite.image.prefix: '" + prefix
                    + "' is not valid (expected a prefix ending in '/' and not starting with it, such as images/)");
        }
        if (zstdLevel < 1 || zstdLevel > 19) {
            throw new IllegalArgumentException("offsite.image.zstd-level: " + zstdLevel + " is out of range (expected 1 to 19)");
        }
        if (fullReadEvery < 1) {
            throw new IllegalArgumentException("offsite.image.full-read-every: " + fullReadEvery
                    + " is out of range (expected a whole number of cycles, 1 or more; 1 matches every entry every cycle)");
        }
    }

    /** What the image holds, for {@link ImageTree}. */
    public TreeSelection selection() {
        return new TreeSelection(roots, excludes, secrets, scrubRules);
    }

    public boolean enabled() {
        return !roots.isEmpty();
    }

    public static ImageSettings from(Settings s) {
        String maxAge = s.optional("offsite.image.full-max-age"); // empty: no age limit
        String rules = s.optional("offsite.image.scrub-rules");
        return new ImageSettings(
                s.list("offsite.image.roots").stream().map(Path::of).toList(),
                s.list("offsite.image.excludes"),
                s.list("offsite.image.secrets"),
                rules == null ? List.of() : Arrays.stream(rules.split("\\s*;;\\s*")).filter(r -> !r.isBlank()).toList(),
                s.path("offsite.image.keys-dir").toAbsolutePath(),
                s.text("offsite.image.prefix"),
                s.cron("offsite.image.cron"),
                new CompleteImageRule(s.decimal("offsite.image.full-factor", 0.01, 1000),
                        maxAge == null ? null : s.positiveDuration("offsite.image.full-max-age")),
                RetentionPolicy.parse(s.text("offsite.image.keep")),
                s.integer("offsite.image.zstd-level", 1, 19),
                s.integer("offsite.image.full-read-every", 1, 100_000),
                host(s.optional("offsite.image.host")));
    }

    /**
     * The WARN for an offsite.image.full-max-age in minutes or less (empty: none), or null: there "3m" is three minutes, while
     * in offsite.image.keep, the line below it, "6m" counts months, and each backup would send the whole image again.
     */
    public static String maxAgeWarning(String value) {
        if (value == null || !value.trim().matches("(?i)\\d+\\s*(ms|s|m|min)")) {
            return null;
        }
        return "offsite.image.full-max-age=" + value.trim() + " is counted in minutes or less (in offsite.image.keep an 'm' counts"
                + " months): every backup made " + value.trim() + " or more after the last complete image sends the whole image again;"
                + " a month is 30d";
    }

    /** The host a backup is named for: the setting, else this machine's name; a name that cannot be a key part is refused. */
    static String host(String configured) {
        String host = configured == null ? SyncLock.localHost() : configured;
        if (!host.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new SettingError("offsite.image.host", host, "a host name: letters, digits, '.', '_' and '-', at most 63");
        }
        return host;
    }
}
