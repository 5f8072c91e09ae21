package offsite.config;

import java.util.Map;
import java.util.Properties;

/**
 * Where a command that starts no Camel finds a setting, in the order Camel's resolver takes for every other command: the
 * environment variable, then -D, then the settings file, then the packed defaults.
 */
public record SettingLayers(Map<String, String> environment, Properties system, Properties file, Properties defaults) {

    /** The value of name from the first layer that sets it; null when none does. */
    public String value(String name) {
        String fromEnvironment = environment.get(SettingNames.variable(name));
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        String fromSystem = system.getProperty(name);
        if (fromSystem != null) {
            return fromSystem;
        }
        return file.containsKey(name) ? file.getProperty(name) : defaults.getProperty(name);
    }
}
