package offsite.config;

/** A setting with a bad value: the message names the setting, the value and what was expected. */
public final class SettingError extends IllegalArgumentException {

    public SettingError(String name, String value, String expected) {
        super(name + ": '" + value + "' is not valid (expected " + expected + ")");
    }
}
