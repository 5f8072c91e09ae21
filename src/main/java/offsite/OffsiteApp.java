package offsite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import offsite.config.RepeatedSetting;
import offsite.config.SettingNames;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Assembles Camel Main: the defaults packed in the jar, then the user's config file, then -D and environment. */
public final class OffsiteApp {

    private static final Logger LOG = LoggerFactory.getLogger(OffsiteApp.class);

    private OffsiteApp() {
    }

    public static Main create(Path configFile, Map<String, String> overrides) {
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("--config: " + configFile + " is not a readable file");
        }
        Properties user = userSettings(configFile);
        checkNames(SettingNames.packed(), configFile, user, overrides, System.getProperties(), System.getenv());
        checkRoutesFolder(configFile, overrides);
        Main main = new Main();
        // the first location that has a key wins: the user's file, then the defaults
        main.setPropertyPlaceholderLocations((configFile == null ? "" : "file:" + configFile.toAbsolutePath() + ",")
                + "classpath:defaults/application.properties");
        main.configure().addConfiguration(OffsiteConfiguration.class);
        overrides.forEach(main::addOverrideProperty);
        return main;
    }

    /**
     * After a start that failed (a bad setting): stops what did start and marks the application completed, so that the
     * JVM's exit does not run Camel's hang-up hook, which would log a SIGTERM nobody sent after the command's one line.
     */
    public static void abandon(Main main) {
        try {
            main.stop();
        } catch (Exception ignored) {
            // the start's own failure is the one to report
        }
        main.completed();
    }

    /** The settings of the user's file; none when there is no file, or it cannot be read (Camel then reports it itself). */
    private static Properties userSettings(Path configFile) {
        Properties user = new Properties();
        if (configFile != null) {
            try (var in = Files.newBufferedReader(configFile)) {
                user.load(in);
            } catch (IOException e) {
                return new Properties();
            }
        }
        return user;
    }

    /**
     * A name under offsite.* that no setting has, in the file, a -D or the caller's overrides, stops the start with one line
     * (Camel would ignore it silently); one in the environment, which other programs fill too, is only logged.
     */
    public static void checkNames(SettingNames names, Path configFile, Properties user, Map<String, String> overrides, Properties system,
            Map<String, String> environment) {
        List<SettingNames.Finding> findings = new ArrayList<>();
        repeated(configFile).forEach(r -> findings.add(new SettingNames.Finding(false, r.message(configFile))));
        findings.addAll(names.check(asMap(user), "in " + configFile));
        findings.addAll(names.check(asMap(system), "set with -D"));
        findings.addAll(names.check(overrides, "set by the command"));
        findings.addAll(names.checkEnvironment(environment));
        List<String> refused = new ArrayList<>();
        for (SettingNames.Finding f : findings) {
            if (f.refused()) {
                refused.add(f.message());
            } else {
                LOG.warn("{}", f.message());
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", refused));
        }
    }

    /** The settings the file sets twice with different values; none when there is no file or it cannot be read. */
    private static List<RepeatedSetting> repeated(Path configFile) {
        if (configFile == null) {
            return List.of();
        }
        try {
            return RepeatedSetting.in(configFile);
        } catch (IOException e) {
            return List.of(); // reported where the file is read
        }
    }

    private static Map<String, String> asMap(Properties p) {
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(n -> out.put(n, p.getProperty(n)));
        return out;
    }

    /** A missing routes folder failed the start with the bare word "routes": name the setting, the folder and the way out. */
    static void checkRoutesFolder(Path configFile, Map<String, String> overrides) {
        String key = "camel.main.routes-include-pattern";
        for (Path folder : routesFolders(configFile, overrides)) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException(key + "=" + routesPattern(configFile, overrides) + ": there is no folder "
                        + folder.toAbsolutePath().normalize() + "; run Offsite from the folder that holds routes/ (it is read relative to"
                        + " the working directory) or set " + key + " to an absolute file: path");
            }
            if (Files.isSymbolicLink(folder)) {
                // Camel's file: scan does not follow a linked folder: no route would load, and the first pass would blame sync.yaml
                Path target = realPath(folder);
                String pattern = routesPattern(configFile, overrides);
                throw new IllegalArgumentException(key + "=" + pattern + ": the folder " + folder.toAbsolutePath().normalize()
                        + " is a symbolic link to " + target + ", and Camel reads no route file through a linked folder (expected a real"
                        + " folder; set " + key + " to file:" + target + "/*.yaml)");
            }
        }
    }

    /** Where a link that leads to a folder leads; the link itself if that cannot be told. */
    private static Path realPath(Path link) {
        try {
            return link.toRealPath();
        } catch (IOException e) {
            return link.toAbsolutePath();
        }
    }

    /** The folders the route files are read from: each file: location of camel.main.routes-include-pattern. */
    public static List<Path> routesFolders(Path configFile, Map<String, String> overrides) {
        List<Path> folders = new ArrayList<>();
        for (String one : routesPattern(configFile, overrides).split(",")) {
            String location = one.trim();
            if (location.startsWith("file:") && !location.contains("{{") && location.contains("/")) {
                folders.add(Path.of(location.substring("file:".length(), location.lastIndexOf('/'))));
            }
        }
        return folders;
    }

    private static String routesPattern(Path configFile, Map<String, String> overrides) {
        String key = "camel.main.routes-include-pattern";
        String pattern = overrides.get(key);
        if (pattern == null) {
            pattern = userSettings(configFile).getProperty(key);
        }
        return pattern == null ? "file:routes/*.yaml" : pattern;
    }
}
