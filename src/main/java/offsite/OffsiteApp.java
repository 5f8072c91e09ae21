package offsite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.main.Main;

/** Assembles Camel Main: the defaults packed in the jar, then the user's config file, then -D and environment. */
public final class OffsiteApp {

    private OffsiteApp() {
    }

    public static Main create(Path configFile, Map<String, String> overrides) {
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("--config: " + configFile + " is not a readable file");
        }
        checkRoutesFolder(configFile, overrides);
        Main main = new Main();
        // the first location that has a key wins: the user's file, then the defaults
        main.setPropertyPlaceholderLocations((configFile == null ? "" : "file:" + configFile.toAbsolutePath() + ",")
                + "classpath:defaults/application.properties");
        main.configure().addConfiguration(OffsiteConfiguration.class);
        overrides.forEach(main::addOverrideProperty);
        return main;
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
        if (pattern == null && configFile != null) {
            Properties user = new Properties();
            try (var in = Files.newBufferedReader(configFile)) {
                user.load(in);
            } catch (java.io.IOException e) {
                return "file:routes/*.yaml"; // Camel reports an unreadable file itself
            }
            pattern = user.getProperty(key);
        }
        return pattern == null ? "file:routes/*.yaml" : pattern;
    }
}
