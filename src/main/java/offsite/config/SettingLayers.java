package offsite.config;

import java.util.Map;
import java.util.Properties;

/**
 * Where a command that starts no Camel finds a setting, in the order Camel's resolver takes for every other command: the
 * environment variable, then -D, then the settings file, then the packed defaults.
 */
public record SettingLayers(Map<String, String> environment, Properties system, Properties file, Properties defaults) {

    /**
     * Where an empty value of name came from when the environment or a -D set it empty, as words to add to the message
     * saying it is empty ("" when neither did): a variable left empty in a service's environment file overrides the
     * settings file, which then looks set.
     */
    public static String emptiedBy(String name, Map<String, String> environment, Properties system) {
        String variable = SettingNames.variable(name);
        if (environment.get(variable) != null) {
            return environment.get(variable).isBlank() ? "; the environment variable " + variable + " is set and empty, and overrides the"
                    + " settings file" : "";
        }
        String property = system.getProperty(name);
        return property != null && property.isBlank() ? "; -D" + name + "= sets it empty, over the settings file" : "";
    }

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
