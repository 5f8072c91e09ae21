package offsite.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import offsite.config.Settings;

/** The settings packed in the jar (config/application.properties as built), with a test's changes. */
final class PackedSettings {

    private PackedSettings() {
    }

    static Properties defaults() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = PackedSettings.class.getResourceAsStream("/defaults/application.properties")) {
            properties.load(in);
        }
        return properties;
    }

    static Settings with(Map<String, String> changes) throws IOException {
        Properties properties = defaults();
        properties.putAll(changes);
        return new Settings(properties::getProperty);
    }
}
