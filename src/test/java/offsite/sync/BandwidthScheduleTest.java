package offsite.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BandwidthScheduleTest {

    @ParameterizedTest(name = "{0} at {1} = {2} B/s")
    @CsvSource(delimiter = '|', value = {
            "''                       | 12:00 | 0",
            "2MB                      | 12:00 | 2097152",
            "512K                     | 03:00 | 524288",
            "1.5M                     | 03:00 | 1572864",
            "off                      | 03:00 | 0",
            "23:30,off 06:00,1MB      | 23:45 | 0",
            "23:30,off 06:00,1MB      | 02:00 | 0",
            "23:30,off 06:00,1MB      | 06:00 | 1048576",
            "23:30,off 06:00,1MB      | 23:29 | 1048576",
            "08:00,512k 18:00,10M     | 07:59 | 10485760"})
    void gives_the_rate_in_force_at_each_time_of_day(String setting, String time, long expected) {
        assertThat(BandwidthSchedule.parse(setting).rateAt(LocalTime.parse(time))).isEqualTo(expected);
    }

    @Test
    void rejects_a_bad_rate_naming_the_setting_and_the_value() {
        assertThatThrownBy(() -> BandwidthSchedule.parse("23:30,fast"))
                .hasMessageContaining("offsite.sync.bandwidth").hasMessageContaining("'fast'").hasMessageContaining("expected");
        assertThatThrownBy(() -> BandwidthSchedule.parse("25:00,1MB 06:00,off"))
                .hasMessageContaining("offsite.sync.bandwidth").hasMessageContaining("'25:00'");
    }
}
