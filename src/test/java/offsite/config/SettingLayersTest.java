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

    private static Properties with(String value) {
        Properties p = new Properties();
        if (value != null) {
            p.setProperty(NAME, value);
        }
        return p;
    }
}
