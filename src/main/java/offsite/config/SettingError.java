package offsite.config;

/**
 * A setting with a bad value: the message names the setting, the value and what was expected; an empty value also where
 * it was emptied, when an environment variable or a -D did it over the settings file, which then looks set.
 */
public final class SettingError extends IllegalArgumentException {

    public SettingError(String name, String value, String expected) {
        super(name + ": '" + value + "' is not valid (expected " + expected + ")" + emptiedBy(name, value));
    }

    /** Where an empty value came from (SettingLayers.emptiedBy), "" for any other value. */
    public static String emptiedBy(String name, String value) {
        return value == null || value.isBlank() ? SettingLayers.emptiedBy(name, System.getenv(), System.getProperties()) : "";
    }
}
