package offsite.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A command that starts no Camel (cost) finds a setting where Camel would: environment, then -D, then the file, then the defaults. */
class SettingLayersTest {

    private static final String NAME = "offsite.cost.storage-gb-month";

    @ParameterizedTest(name = "{0} {1} {2} {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // environment | -D   | file  | defaults | value
            "0.1           | 0.2  | 0.3   | 0.023    | 0.1",
            "-             | 0.2  | 0.3   | 0.023    | 0.2",
            "-             | -    | 0.3   | 0.023    | 0.3",
            "-             | -    | -     | 0.023    | 0.023",
            "0.1           | -    | -     | 0.023    | 0.1"})
    void each_layer_wins_over_those_after_it_as_in_camel(String environment, String system, String file, String defaults, String value) {
        Map<String, String> env = new HashMap<>();
        if (environment != null) {
            env.put("OFFSITE_COST_STORAGE_GB_MONTH", environment);
        }
        SettingLayers layers = new SettingLayers(env, with(system), with(file), with(defaults));

        assertThat(layers.value(NAME)).isEqualTo(value);
    }

    /** A value emptied by the environment or a -D over a file that sets it: the message saying it is empty names which. */
    @ParameterizedTest(name = "environment {0}, -D {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // environment | -D    | words added
            "EMPTY         | -     | ; the environment variable OFFSITE_SYNC_SOURCE is set and empty, and overrides the settings file",
            "EMPTY         | /srv  | ; the environment variable OFFSITE_SYNC_SOURCE is set and empty, and overrides the settings file",
            "-             | EMPTY | ; -Doffsite.sync.source= sets it empty, over the settings file",
            "/srv          | EMPTY | ''",
            "-             | -     | ''"})
    void an_empty_value_names_the_layer_that_emptied_it(String environment, String system, String words) {
        Map<String, String> env = new HashMap<>();
        if (environment != null) {
            env.put("OFFSITE_SYNC_SOURCE", environment.equals("EMPTY") ? "" : environment);
        }
        Properties d = new Properties();
        if (system != null) {
            d.setProperty("offsite.sync.source", system.equals("EMPTY") ? "" : system);
        }

        assertThat(SettingLayers.emptiedBy("offsite.sync.source", env, d)).isEqualTo(words);
    }

    private static Properties with(String value) {
        Properties p = new Properties();
        if (value != null) {
            p.setProperty(NAME, value);
        }
        return p;
    }
}
