package offsite;

import java.nio.file.Files;
import java.nio.file.Path;
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
        String pattern = overrides.get(key);
        if (pattern == null && configFile != null) {
            Properties user = new Properties();
            try (var in = Files.newBufferedReader(configFile)) {
                user.load(in);
            } catch (java.io.IOException e) {
                return; // Camel reports an unreadable file itself
            }
            pattern = user.getProperty(key);
        }
        pattern = pattern == null ? "file:routes/*.yaml" : pattern;
        for (String one : pattern.split(",")) {
            String location = one.trim();
            if (!location.startsWith("file:") || location.contains("{{") || !location.contains("/")) {
                continue;
            }
            Path folder = Path.of(location.substring("file:".length(), location.lastIndexOf('/')));
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException(key + "=" + pattern + ": there is no folder " + folder.toAbsolutePath().normalize()
                        + "; run Offsite from the folder that holds routes/ (it is read relative to the working directory) or set "
                        + key + " to an absolute file: path");
            }
        }
    }
}
