package offsite.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The names Offsite knows, to refuse a mistyped one: Camel ignores a property nobody reads, so `offsite.sync.stream=4`
 * would run with 4 streams nowhere and say nothing. The known names are those of the packed defaults.
 */
public final class SettingNames {

    /**
     * A setting taken out of service: what does its work now, and whether a file that still sets it may start (a line
     * that no longer changes anything) or must not (one whose absence changes what a run does).
     */
    record Removal(String replacement, boolean stillAccepted) {
    }

    /** Naming a removed setting says so, instead of "no such setting". */
    static final Map<String, Removal> REMOVED = Map.of(
            "offsite.sync.scan-interval", new Removal("a pass walks the source tree when it starts, so nothing walks it between passes",
                    true));

    /** Names the program itself sets (the command's mode, schedules decided at start), never read from the user. */
    static final Set<String> INTERNAL = Set.of("offsite.mode", "offsite.image.scheduled", "offsite.offline.scheduled",
            "offsite.offline.retry-scheduled", "offsite.offline.retry-check-millis", "offsite.stall-watched",
            "offsite.stall-check-millis", "offsite.image.verify-scheduled", "offsite.image.verify-quartz-cron",
            "offsite.sync.verify-scheduled", "offsite.sync.verify-quartz-cron");

    /**
     * The passwords and the S3 secret key, taken as written: a password may hold {{ or }}, which Camel's placeholders would
     * change ("a{{b:c}}d" read as "acd") or drop (an unresolved one left the setting empty).
     */
    public static final Set<String> LITERAL = Set.of("offsite.s3.secret-key", "offsite.http.password", "offsite.notify.mail.password",
            "offsite.image.signing-passphrase");

    /** Switches of the JVM that are not settings: -Doffsite.debug=true prints stack traces, offsite.cds the class-data archive. */
    static final Set<String> SWITCHES = Set.of("offsite.debug", "offsite.cds", "offsite.cds.child");

    /** Environment variables of the launcher and the container's entrypoint, not settings. */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("OFFSITE_HOME", "OFFSITE_CONFIG_DIR", "OFFSITE_ROUTES_DIR", "OFFSITE_CDS",
            "OFFSITE_JAVA_OPTS");

    /**
     * A name that may hold a secret, anywhere in it: password, passwd, pwd, pw, secret, token, key, credential, auth, private,
     * cookie, session, and the webhook's header and URL. A value under such a name is never repeated, whatever real name it is closest to.
     */
    private static final Pattern SECRET = Pattern.compile("(?i).*(pass|pw|secret|token|key|cred|auth|private|cookie|session|header|url).*");

    private final Set<String> known;
    private final Map<String, Removal> removed;

    SettingNames(Set<String> known, Map<String, Removal> removed) {
        this.known = new TreeSet<>(known);
        this.removed = Map.copyOf(removed);
    }

    /** The offsite.* names of the defaults packed in the jar. */
    public static SettingNames packed() {
        Properties defaults = new Properties();
        try (InputStream in = SettingNames.class.getResourceAsStream("/defaults/application.properties")) {
            if (in == null) {
                throw new IllegalStateException("the defaults file defaults/application.properties is missing from the jar");
            }
            defaults.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the packed defaults: " + e.getMessage(), e);
        }
        Set<String> names = new TreeSet<>();
        defaults.stringPropertyNames().stream().filter(n -> n.startsWith("offsite.")).forEach(names::add);
        return new SettingNames(names, REMOVED);
    }

    /** What a name check found: a refusal stops the start, a warning is logged. */
    public record Finding(boolean refused, String message) {
    }

    /**
     * Checks the offsite.* names of one source of settings; origin says where they were set ("in FILE", "with -D").
     * Values are shown, except those of names that look secret.
     */
    public List<Finding> check(Map<String, String> settings, String origin) {
        List<Finding> out = new ArrayList<>();
        settings.keySet().stream().filter(n -> n.startsWith("offsite.")).sorted().forEach(name -> {
            String value = settings.get(name);
            Removal removal = removed.get(name);
            if (removal != null && known.contains(name)) {
                out.add(new Finding(false, name + " (" + origin + ") is going away: " + removal.replacement()
                        + "; remove it from your settings"));
            } else if (removal != null && removal.stillAccepted()) {
                out.add(new Finding(false, name + " (" + origin + ") was removed and is ignored: " + removal.replacement()
                        + "; remove it from your settings"));
            } else if (removal != null) {
                out.add(new Finding(true, name + ": " + shown(value, name) + " was removed (" + origin + "): " + removal.replacement()
                        + "; remove it from your settings"));
            } else if (!known.contains(name) && !INTERNAL.contains(name) && !SWITCHES.contains(name)) {
                String closest = closest(name, known);
                out.add(new Finding(true, name + ": " + shown(value, name, closest) + " is not a setting (" + origin
                        + "); did you mean " + closest + "?"));
            }
        });
        return out;
    }

    /**
     * Environment variables named OFFSITE_* that map to no setting only warn: the environment holds what other programs
     * set too. Their values are never shown.
     */
    public List<Finding> checkEnvironment(Map<String, String> environment) {
        Map<String, String> byVariable = new HashMap<>();
        known.forEach(n -> byVariable.put(variable(n), n));
        INTERNAL.forEach(n -> byVariable.put(variable(n), n));
        List<Finding> out = new ArrayList<>();
        environment.keySet().stream().filter(v -> v.startsWith("OFFSITE_")).sorted().forEach(v -> {
            String name = byVariable.get(v);
            String gone = removed.keySet().stream().filter(n -> variable(n).equals(v)).findFirst().orElse(null);
            if (gone != null) {
                out.add(new Finding(false, "environment variable " + v + " sets " + gone + ", which "
                        + (name != null ? "is going away: " : "was removed and is ignored: ") + removed.get(gone).replacement()));
            } else if (name == null && !LAUNCHER_VARIABLES.contains(v)) {
                out.add(new Finding(false, "environment variable " + v + " names no setting and is ignored; did you mean "
                        + closest(v, byVariable.keySet()) + "?"));
            }
        });
        return out;
    }

    /** The environment variable Camel reads for a setting: upper case, '.' and '-' as '_'. */
    public static String variable(String name) {
        return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value in quotes with any URL login hidden, or a placeholder when a name it may belong to looks like it holds a secret. */
    static String shown(String value, String... names) {
        for (String name : names) {
            if (SECRET.matcher(name).matches()) {
                return "(value hidden)";
            }
        }
        return "'" + UrlLogin.hidden(value) + "'";
    }

    static String closest(String name, Iterable<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions, one each. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
