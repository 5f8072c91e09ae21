package offsite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.main.Main;

/** Assembles Camel Main: the defaults packed in the jar, then the user's config file, then -D and environment. */
public final class OffsiteApp {

    private OffsiteApp() {
    }

    public static Main create(Path configFile, Map<String, String> overrides) {
        if (configFile != null && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("--config: " + configFile + " is not a readable file");
        }
        Main main = new Main();
        // the first location that has a key wins: the user's file, then the defaults
        main.setPropertyPlaceholderLocations((configFile == null ? "" : "file:" + configFile.toAbsolutePath() + ",")
                + "classpath:defaults/application.properties");
        main.configure().addConfiguration(OffsiteConfiguration.class);
        overrides.forEach(main::addOverrideProperty);
        return main;
    }
}
